/*
 * The hdf5 exporter as the host drives it: loads hdf5.so, writes a file with
 * a channel of every signal type over several batches and an empty channel,
 * then checks the errors of misuse. hdf5_exporter_check.py reads the files
 * back with h5py.
 *
 * usage: test_hdf5_exporter <path of hdf5.so> <output directory>
 */
#include "check.h"
#include "test_hdf5_exporter_host.h"

#include <stdlib.h>
#include <unistd.h>

/* 2025-01-23T14:30:00Z */
#define T0 INT64_C(1737642600000000000)
#define STEP_NS INT64_C(1000000)
/* Batch sizes: the middle one crosses a 65,536-element chunk boundary. */
static const size_t batch_sizes[] = {3, 70000, 5};
#define NSAMPLES 70008

static const pivot_exporter *load_exporter(const char *plugin_path)
{
    tx_plugin plugin;

    if (tx_load_plugin(plugin_path, &plugin) != 0)
        return NULL;
    CHECK(plugin.magic != NULL && plugin.has_init);
    if (plugin.magic == NULL || !plugin.has_init)
        return NULL;
    CHECK_STR_EQ(plugin.magic->name, "hdf5");
    CHECK_STR_EQ(plugin.magic->version, "0.1.0");
    CHECK_INT_EQ(plugin.magic->abi_major, PIVOT_ABI_MAJOR);
    CHECK_INT_EQ(plugin.init_rc, 0);
    CHECK_INT_EQ(plugin.registrations, 1);
    return plugin.exporter;
}

static const pivot_export_info full_info = {
    .size = sizeof(pivot_export_info),
    .job_id = "job-0001",
    .request_json = "{\"channels\":[\"engine\",\"idle\"]}",
    .requested = {T0, T0 + INT64_C(3600250000000)},
    .metadata_json = "{\"description\":\"Bench run \\u00e9t\\u00e9\",\"user\":\"r\\u00e9mi\"}",
    .description = "Bench run \xc3\xa9t\xc3\xa9",
    .user = "r\xc3\xa9mi",
    .owner = "alice",
    .producer = "pivotd 0.1.0",
};

static const pivot_signal_info engine_signals[] = {
    {"rpm", PIVOT_TYPE_INT32},        {"odometer", PIVOT_TYPE_INT64}, {"temp", PIVOT_TYPE_FLOAT32},
    {"pressure", PIVOT_TYPE_FLOAT64}, {"valve", PIVOT_TYPE_BOOL},     {"state", PIVOT_TYPE_STRING},
};
#define ENGINE_NSIGNALS (sizeof(engine_signals) / sizeof(engine_signals[0]))

/* The columns of samples [first, first + n); the checker computes the same values. */
typedef struct engine_batch {
    int64_t time[70000];
    int32_t rpm[70000];
    int64_t odometer[70000];
    float temp[70000];
    double pressure[70000];
    uint8_t valve[70000];
    const char *state[70000];
    pivot_column columns[ENGINE_NSIGNALS];
    pivot_batch batch;
} engine_batch;

static const char *const states[] = {"idle", "run", "\xc3\xa9t\xc3\xa9", ""};

static void fill_engine_batch(engine_batch *b, size_t first, size_t n)
{
    const void *data[ENGINE_NSIGNALS] = {b->rpm,      b->odometer, b->temp,
                                         b->pressure, b->valve,    b->state};

    for (size_t k = 0; k < n; k++) {
        int64_t i = (int64_t)(first + k);

        b->time[k] = T0 + i * STEP_NS;
        b->rpm[k] = (int32_t)(i * 3 - 100000);
        b->odometer[k] = i * INT64_C(10000000000);
        b->temp[k] = (float)i * 0.5f;
        b->pressure[k] = (double)i / 8.0;
        b->valve[k] = i % 3 == 0;
        b->state[k] = states[i % 4];
    }
    for (size_t c = 0; c < ENGINE_NSIGNALS; c++) {
        b->columns[c].name = engine_signals[c].name;
        b->columns[c].type = engine_signals[c].type;
        b->columns[c].data = data[c];
    }
    b->batch.size = sizeof(b->batch);
    b->batch.count = n;
    b->batch.time = b->time;
    b->batch.ncolumns = ENGINE_NSIGNALS;
    b->batch.columns = b->columns;
}

static void write_full_export(const pivot_exporter *e, const char *path,
                              const pivot_export_info *info)
{
    static engine_batch b;
    const pivot_channel_info engine = {.size = sizeof(pivot_channel_info),
                                       .name = "engine",
                                       .nsignals = ENGINE_NSIGNALS,
                                       .signals = engine_signals,
                                       .schema = "{\"type\":\"record\",\"name\":\"engine\"}"};
    const pivot_signal_info idle_signals[] = {{"level", PIVOT_TYPE_FLOAT64}};
    const pivot_channel_info idle = {
        .size = sizeof(pivot_channel_info), .name = "idle", .nsignals = 1, .signals = idle_signals};
    const pivot_channel_summary engine_summary = {
        sizeof(pivot_channel_summary), NSAMPLES, {T0, T0 + (NSAMPLES - 1) * STEP_NS + 1}};
    const pivot_channel_summary idle_summary = {sizeof(pivot_channel_summary), 0, {0, 0}};
    const pivot_export_summary summary = {sizeof(pivot_export_summary), NSAMPLES, 2,
                                          engine_summary.actual};
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;
    size_t first = 0;

    unlink(path);
    CHECK_INT_EQ(e->open(path, info, &exp, err, sizeof(err)), 0);
    CHECK(exp != NULL);
    if (exp == NULL) {
        fprintf(stderr, "open: %s\n", err);
        return;
    }
    CHECK_INT_EQ(e->begin_channel(exp, &engine, engine_signals, ENGINE_NSIGNALS, err, sizeof(err)),
                 0);
    for (size_t i = 0; i < sizeof(batch_sizes) / sizeof(batch_sizes[0]); i++) {
        fill_engine_batch(&b, first, batch_sizes[i]);
        CHECK_INT_EQ(e->append(exp, &b.batch, err, sizeof(err)), 0);
        first += batch_sizes[i];
    }
    CHECK_INT_EQ(first, NSAMPLES);
    CHECK_INT_EQ(e->end_channel(exp, &engine_summary, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->begin_channel(exp, &idle, idle_signals, 1, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->end_channel(exp, &idle_summary, err, sizeof(err)), 0);
    /* close fails when any HDF5 object is left open, so 0 also means no leak. */
    CHECK_INT_EQ(e->close(exp, &summary, err, sizeof(err)), 0);
    if (err[0] != '\0')
        fprintf(stderr, "last error: %s\n", err);
}

/* No optional metadata and no channel: the optional attributes are left out. */
static void write_minimal_export(const pivot_exporter *e, const char *path)
{
    const pivot_export_info info = {.size = sizeof(pivot_export_info),
                                    .job_id = "job-0002",
                                    .request_json = "{}",
                                    .requested = {T0, T0 + 1},
                                    .owner = "bob",
                                    .producer = "pivotd 0.1.0"};
    const pivot_export_summary summary = {sizeof(pivot_export_summary), 0, 0, {0, 0}};
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;

    unlink(path);
    CHECK_INT_EQ(e->open(path, &info, &exp, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->close(exp, &summary, err, sizeof(err)), 0);
}

static void check_open_existing_fails(const pivot_exporter *e, const char *path)
{
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = (void *)&exp;
    FILE *f = fopen(path, "w");

    CHECK(f != NULL);
    if (f != NULL) {
        fputs("not hdf5\n", f);
        fclose(f);
    }
    CHECK_INT_EQ(e->open(path, &full_info, &exp, err, sizeof(err)), PIVOT_EEXIST);
    CHECK(exp == NULL);
    /* The message names the file, not the server's directories, and says
     * why in a few words (HDF5's whole record goes to the log). */
    CHECK(strstr(err, strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path) != NULL);
    CHECK(strchr(err, '/') == NULL);
    CHECK(strstr(err, "H5Fcreate failed: File exists") != NULL);
    fprintf(stderr, "open of an existing file: %s\n", err);
    unlink(path);
}

/* Misuse by the host is refused with a message naming the channel and signal. */
static void check_misuse(const pivot_exporter *e, const char *path)
{
    static engine_batch b;
    const pivot_signal_info clash[] = {{"time", PIVOT_TYPE_INT64}};
    const pivot_channel_info bad = {
        .size = sizeof(pivot_channel_info), .name = "bad", .nsignals = 1, .signals = clash};
    const pivot_channel_info slashed = {.size = sizeof(pivot_channel_info), .name = "a/b"};
    const pivot_channel_info engine = {.size = sizeof(pivot_channel_info),
                                       .name = "engine",
                                       .nsignals = ENGINE_NSIGNALS,
                                       .signals = engine_signals};
    const pivot_channel_summary wrong = {sizeof(pivot_channel_summary), 99, {T0, T0 + 1}};
    const pivot_export_summary summary = {sizeof(pivot_export_summary), 0, 0, {0, 0}};
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;

    unlink(path);
    CHECK_INT_EQ(e->open(path, &full_info, &exp, err, sizeof(err)), 0);
    if (exp == NULL)
        return;
    CHECK_INT_EQ(e->begin_channel(exp, &bad, clash, 1, err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "channel \"bad\" signal \"time\"") != NULL);
    CHECK_INT_EQ(e->begin_channel(exp, &slashed, NULL, 0, err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "channel \"a/b\"") != NULL);

    CHECK_INT_EQ(e->begin_channel(exp, &engine, engine_signals, ENGINE_NSIGNALS, err, sizeof(err)),
                 0);
    fill_engine_batch(&b, 0, 10);
    b.batch.ncolumns = 2;
    CHECK_INT_EQ(e->append(exp, &b.batch, err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "channel \"engine\"") != NULL);
    fill_engine_batch(&b, 0, 10);
    b.columns[3].type = PIVOT_TYPE_FLOAT32;
    CHECK_INT_EQ(e->append(exp, &b.batch, err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "channel \"engine\" signal \"pressure\"") != NULL);
    fill_engine_batch(&b, 0, 10);
    CHECK_INT_EQ(e->append(exp, &b.batch, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->begin_channel(exp, &engine, engine_signals, 1, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_INT_EQ(e->end_channel(exp, &wrong, err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "99") != NULL);
    CHECK_INT_EQ(e->begin_channel(exp, &engine, engine_signals, ENGINE_NSIGNALS, err, sizeof(err)),
                 PIVOT_EEXIST);
    CHECK(strstr(err, "channel \"engine\"") != NULL);
    CHECK_INT_EQ(e->close(exp, &summary, err, sizeof(err)), 0);
    unlink(path);
}

/* Storage options out of bounds are refused at open, before any file exists. */
static void check_bad_storage(const pivot_exporter *e, const char *path)
{
    pivot_export_info info = full_info;
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;

    unlink(path);
    info.gzip_level = 10;
    CHECK_INT_EQ(e->open(path, &info, &exp, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "hdf5 export: gzip level 10 is not in 1..9");
    CHECK(exp == NULL);
    info.gzip_level = 0;
    info.chunk_size = 1048577;
    CHECK_INT_EQ(e->open(path, &info, &exp, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "hdf5 export: chunk size 1048577 is over 1048576 elements");
    CHECK(exp == NULL);
    CHECK(access(path, F_OK) != 0);
}

/* An abandoned export, in the middle of a channel, closes cleanly. */
static void check_abandon(const pivot_exporter *e, const char *path)
{
    static engine_batch b;
    const pivot_channel_info engine = {.size = sizeof(pivot_channel_info),
                                       .name = "engine",
                                       .nsignals = ENGINE_NSIGNALS,
                                       .signals = engine_signals};
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;

    unlink(path);
    CHECK_INT_EQ(e->open(path, &full_info, &exp, err, sizeof(err)), 0);
    if (exp == NULL)
        return;
    CHECK_INT_EQ(e->begin_channel(exp, &engine, engine_signals, ENGINE_NSIGNALS, err, sizeof(err)),
                 0);
    fill_engine_batch(&b, 0, 100);
    CHECK_INT_EQ(e->append(exp, &b.batch, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->close(exp, NULL, err, sizeof(err)), 0);
    CHECK_INT_EQ(unlink(path), 0);
}

int main(int argc, char **argv)
{
    const pivot_exporter *e;
    char path[4096];

    if (argc != 3) {
        fprintf(stderr, "usage: %s <hdf5.so> <output directory>\n", argv[0]);
        return 2;
    }
    e = load_exporter(argv[1]);
    CHECK(e != NULL);
    if (e == NULL)
        return check_report();
    CHECK_STR_EQ(e->name, "hdf5");
    CHECK_STR_EQ(e->extension, ".h5");
    CHECK_STR_EQ(e->media_type, "application/x-hdf5");
    CHECK_INT_EQ(e->size, sizeof(pivot_exporter));

    snprintf(path, sizeof(path), "%s/existing.h5", argv[2]);
    check_open_existing_fails(e, path);
    snprintf(path, sizeof(path), "%s/misuse.h5", argv[2]);
    check_misuse(e, path);
    snprintf(path, sizeof(path), "%s/abandoned.h5", argv[2]);
    check_abandon(e, path);
    /* Written last, after the misuse checks, to show that they leave the library usable. */
    snprintf(path, sizeof(path), "%s/full.h5", argv[2]);
    write_full_export(e, path, &full_info);
    {
        /* gzip 6 behind shuffle in chunks of 1,000 elements. */
        pivot_export_info gzip_info = full_info;

        gzip_info.gzip_level = 6;
        gzip_info.chunk_size = 1000;
        snprintf(path, sizeof(path), "%s/gzip.h5", argv[2]);
        write_full_export(e, path, &gzip_info);
    }
    snprintf(path, sizeof(path), "%s/bad_storage.h5", argv[2]);
    check_bad_storage(e, path);
    snprintf(path, sizeof(path), "%s/minimal.h5", argv[2]);
    write_minimal_export(e, path);
    return check_report();
}
