/*
 * Compressed exports written by the compression threads with direct chunk
 * writes: the same export with 1, 2 and 4 threads must give the same bytes,
 * and differ from the file HDF5's own filter writes (threads 0), which
 * shows the threads wrote it. Two channels cover every type the exporter
 * chunks: numbers, bool, nullable signals with masks, enums stored in fewer
 * bytes than their indices, fixed-size bytes, and strings (which stay on
 * HDF5's path); the last chunk of every dataset is partial.
 * hdf5_exporter_threads_check.py reads the files back value by value with
 * h5py and xarray. Then an export abandoned while the threads are busy, and
 * one that runs into the file size limit (the worker's
 * jobs.max_output_bytes) while they are.
 *
 * usage: test_hdf5_exporter_threads <path of hdf5.so> <output directory>
 */
#include "check.h"
#include "test_hdf5_exporter_host.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* 2025-01-23T14:30:00Z */
#define T0 INT64_C(1737642600000000000)
#define STEP_NS INT64_C(10000000)
/* 24 batches of BATCH and a short one: no chunk size divides it. */
#define NSAMPLES 100003
#define BATCH 4099
#define NBIG 200
#define FIXED_SIZE 4
#define THREADS_KEY "plugins.hdf5.compression_threads"
/* Columns of the wider channel. */
#define MAX_SIGNALS 5

enum { SPEED, LEVEL, COUNT, ODOMETER, FLAG, NNUMBERS };
enum { MODE, BIG, HASH, LABEL, NTYPED };

static const pivot_signal_info number_signals[NNUMBERS] = {
    [SPEED] = {"speed", PIVOT_TYPE_FLOAT64}, [LEVEL] = {"level", PIVOT_TYPE_FLOAT32},
    [COUNT] = {"count", PIVOT_TYPE_INT32},   [ODOMETER] = {"odometer", PIVOT_TYPE_INT64},
    [FLAG] = {"flag", PIVOT_TYPE_BOOL},
};
static const pivot_signal_info typed_signals[NTYPED] = {
    [MODE] = {"mode", PIVOT_TYPE_ENUM},
    [BIG] = {"big", PIVOT_TYPE_ENUM},
    [HASH] = {"hash", PIVOT_TYPE_BYTES},
    [LABEL] = {"label", PIVOT_TYPE_STRING},
};

static const char *const modes[] = {"OFF", "IDLE", "RUN", "FAULT"};
static const char *const labels[] = {"alpha", "beta", "gamma"};
static char big_names[NBIG][8];
static const char *big_symbols[NBIG];

static const pivot_signal_detail nullable = {.size = sizeof(pivot_signal_detail), .nullable = 1};
static const pivot_signal_detail plain = {.size = sizeof(pivot_signal_detail)};
static const pivot_signal_detail mode_detail = {
    .size = sizeof(pivot_signal_detail), .nsymbols = 4, .symbols = modes};
static pivot_signal_detail big_detail = {.size = sizeof(pivot_signal_detail), .nsymbols = NBIG};
static const pivot_signal_detail hash_detail = {.size = sizeof(pivot_signal_detail),
                                                .fixed_size = FIXED_SIZE};
static const pivot_signal_detail *const number_details[NNUMBERS] = {[SPEED] = &nullable,
                                                                    [LEVEL] = &plain,
                                                                    [COUNT] = &nullable,
                                                                    [ODOMETER] = &plain,
                                                                    [FLAG] = &plain};
static const pivot_signal_detail *const typed_details[NTYPED] = {
    [MODE] = &mode_detail, [BIG] = &big_detail, [HASH] = &hash_detail, [LABEL] = &nullable};

static const pivot_channel_info numbers = {.size = sizeof(pivot_channel_info),
                                           .name = "numbers",
                                           .nsignals = NNUMBERS,
                                           .signals = number_signals,
                                           .details = number_details};
static const pivot_channel_info typed = {.size = sizeof(pivot_channel_info),
                                         .name = "typed",
                                         .nsignals = NTYPED,
                                         .signals = typed_signals,
                                         .details = typed_details};

/* The values, as hdf5_exporter_threads_check.py computes them too. */
static int speed_null(size_t i)
{
    return i % 5 == 0;
}
static int count_null(size_t i)
{
    return i % 3 == 1;
}
static int label_null(size_t i)
{
    return i % 7 == 3;
}

typedef struct batch_data {
    int64_t time[BATCH], odometer[BATCH];
    double speed[BATCH];
    float level[BATCH];
    int32_t count[BATCH], mode[BATCH], big[BATCH];
    uint8_t flag[BATCH], speed_valid[BATCH], count_valid[BATCH], label_valid[BATCH];
    uint8_t hash_data[BATCH][FIXED_SIZE];
    pivot_bytes hash[BATCH];
    const char *label[BATCH];
    const uint8_t *valid[MAX_SIGNALS];
    pivot_column columns[MAX_SIGNALS];
    pivot_batch batch;
} batch_data;

/* Samples [first, first + n) of a channel; `noisy` makes numbers that deflate cannot shrink. */
static void fill(batch_data *b, const pivot_channel_info *ch, size_t first, size_t n, int noisy)
{
    const void *number_data[NNUMBERS] = {b->speed, b->level, b->count, b->odometer, b->flag};
    const void *typed_data[NTYPED] = {b->mode, b->big, b->hash, b->label};
    uint64_t x = first * UINT64_C(0x9e3779b97f4a7c15) + 1;

    for (size_t k = 0; k < n; k++) {
        size_t i = first + k;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        b->time[k] = T0 + (int64_t)i * STEP_NS;
        b->speed[k] = speed_null(i) ? NAN : (double)i * 0.25;
        b->level[k] = (float)(i % 1000) * 0.5f;
        b->count[k] = count_null(i) ? 0 : (int32_t)(i % 1000) - 500;
        b->odometer[k] = noisy ? (int64_t)x : (int64_t)i * (int64_t)i;
        b->flag[k] = i % 3 == 0;
        b->speed_valid[k] = !speed_null(i);
        b->count_valid[k] = !count_null(i);
        b->mode[k] = (int32_t)(i / 10 % 4);
        b->big[k] = (int32_t)(i * 13 % NBIG);
        for (size_t j = 0; j < FIXED_SIZE; j++)
            b->hash_data[k][j] = (uint8_t)(((uint32_t)i * UINT32_C(2654435761)) >> (8 * j));
        b->hash[k].data = b->hash_data[k];
        b->hash[k].len = FIXED_SIZE;
        b->label[k] = label_null(i) ? "" : labels[i / 100 % 3];
        b->label_valid[k] = !label_null(i);
    }
    for (size_t c = 0; c < ch->nsignals; c++) {
        b->columns[c].name = ch->signals[c].name;
        b->columns[c].type = ch->signals[c].type;
        b->columns[c].data = ch == &numbers ? number_data[c] : typed_data[c];
        b->valid[c] = NULL;
    }
    if (ch == &numbers) {
        b->valid[SPEED] = b->speed_valid;
        b->valid[COUNT] = b->count_valid;
    } else {
        b->valid[LABEL] = b->label_valid;
    }
    b->batch = (pivot_batch){.size = sizeof(b->batch),
                             .count = n,
                             .time = b->time,
                             .ncolumns = ch->nsignals,
                             .columns = b->columns,
                             .valid = b->valid};
}

/* Appends every sample of channel ch; returns the first failing call's code. */
static int write_channel(const pivot_exporter *e, void *exp, const pivot_channel_info *ch,
                         char *err, size_t errlen)
{
    static batch_data b;
    const pivot_channel_summary sum = {
        sizeof(sum), NSAMPLES, {T0, T0 + (NSAMPLES - 1) * STEP_NS + 1}};
    int rc = e->begin_channel(exp, ch, ch->signals, ch->nsignals, err, errlen);

    for (size_t first = 0; rc == 0 && first < NSAMPLES; first += BATCH) {
        fill(&b, ch, first, NSAMPLES - first < BATCH ? NSAMPLES - first : BATCH, 0);
        rc = e->append(exp, &b.batch, err, errlen);
    }
    if (rc == 0)
        rc = e->end_channel(exp, &sum, err, errlen);
    return rc;
}

static void write_file(const pivot_exporter *e, const char *path, const char *threads,
                       unsigned gzip, uint64_t chunk)
{
    pivot_export_info info = tx_export_info("job-threads", T0, T0 + NSAMPLES * STEP_NS);
    const pivot_export_summary sum = {
        sizeof(sum), 2 * NSAMPLES, 2, {T0, T0 + (NSAMPLES - 1) * STEP_NS + 1}};
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;
    int rc;

    tx_set_config(THREADS_KEY, threads);
    info.gzip_level = gzip;
    info.chunk_size = chunk;
    unlink(path);
    rc = e->open(path, &info, &exp, err, sizeof(err));
    CHECK_INT_EQ(rc, 0);
    if (rc == 0)
        rc = write_channel(e, exp, &numbers, err, sizeof(err));
    CHECK_INT_EQ(rc, 0);
    if (rc == 0)
        rc = write_channel(e, exp, &typed, err, sizeof(err));
    CHECK_INT_EQ(rc, 0);
    if (exp != NULL)
        CHECK_INT_EQ(e->close(exp, rc == 0 ? &sum : NULL, err, sizeof(err)), 0);
    if (err[0] != '\0')
        fprintf(stderr, "%s: %s\n", path, err);
}

/* The whole file, or NULL; *len gets its size. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    struct stat st;

    *len = 0;
    if (f == NULL || fstat(fileno(f), &st) != 0)
        goto out;
    buf = malloc((size_t)st.st_size + 1);
    if (buf != NULL && fread(buf, 1, (size_t)st.st_size, f) == (size_t)st.st_size)
        *len = (size_t)st.st_size;
out:
    if (f != NULL)
        fclose(f);
    return buf;
}

/* 1 when both files hold the same bytes. */
static int same_bytes(const char *a, const char *b)
{
    size_t alen, blen;
    unsigned char *abuf = slurp(a, &alen), *bbuf = slurp(b, &blen);
    int same =
        abuf != NULL && bbuf != NULL && alen > 0 && alen == blen && memcmp(abuf, bbuf, alen) == 0;

    free(abuf);
    free(bbuf);
    return same;
}

/* The export with 0, 1, 2 and 4 threads, as <stem>_t<n>.h5. */
static void check_thread_counts(const pivot_exporter *e, const char *dir, const char *stem,
                                unsigned gzip, uint64_t chunk)
{
    static const char *const counts[] = {"0", "1", "2", "4"};
    char paths[4][4096];

    for (size_t i = 0; i < 4; i++) {
        snprintf(paths[i], sizeof(paths[i]), "%s/%s_t%s.h5", dir, stem, counts[i]);
        write_file(e, paths[i], counts[i], gzip, chunk);
    }
    CHECK_INT_EQ(same_bytes(paths[1], paths[2]), 1);
    CHECK_INT_EQ(same_bytes(paths[1], paths[4 - 1]), 1);
    /* HDF5's filter (zlib) writes other deflate streams than libdeflate does. */
    CHECK_INT_EQ(same_bytes(paths[0], paths[1]), 0);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/*
 * A cancelled job: the host stops appending mid-channel and closes without
 * a summary while chunks are in flight. The close must return at once (the
 * threads finish at most their current chunk) and leave nothing running.
 */
static void check_abandon(const pivot_exporter *e, const char *dir)
{
    static batch_data b;
    pivot_export_info info = tx_export_info("job-abandoned", T0, T0 + NSAMPLES * STEP_NS);
    char path[4096], err[PIVOT_ERRMSG_SIZE] = "";
    struct timespec t0;
    void *exp = NULL;
    int rc;

    snprintf(path, sizeof(path), "%s/abandoned.h5", dir);
    unlink(path);
    tx_set_config(THREADS_KEY, "4");
    info.gzip_level = 9; /* the slowest level: the threads are busy when the close comes */
    info.chunk_size = 4096;
    CHECK_INT_EQ(e->open(path, &info, &exp, err, sizeof(err)), 0);
    if (exp == NULL)
        return;
    rc = e->begin_channel(exp, &numbers, number_signals, NNUMBERS, err, sizeof(err));
    for (size_t first = 0; rc == 0 && first < 12 * BATCH; first += BATCH) {
        fill(&b, &numbers, first, BATCH, 1);
        rc = e->append(exp, &b.batch, err, sizeof(err));
    }
    CHECK_INT_EQ(rc, 0);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_INT_EQ(e->close(exp, NULL, err, sizeof(err)), 0);
    CHECK(seconds_since(&t0) < 5.0);
    CHECK_INT_EQ(unlink(path), 0);
}

/*
 * The worker's jobs.max_output_bytes is RLIMIT_FSIZE, with SIGXFSZ caught
 * so that the write fails with EFBIG: the exporter must fail the call that
 * wrote past it, saying why, while its threads hold chunks in flight, and
 * still close.
 */
static void check_size_limit(const pivot_exporter *e, const char *dir)
{
    static batch_data b;
    pivot_export_info info = tx_export_info("job-limited", T0, T0 + NSAMPLES * STEP_NS);
    const pivot_channel_summary sum = {sizeof(sum), NSAMPLES, {T0, T0 + NSAMPLES * STEP_NS}};
    char path[4096], err[PIVOT_ERRMSG_SIZE] = "";
    struct rlimit saved, limited;
    void *exp = NULL;
    int rc;

    snprintf(path, sizeof(path), "%s/limited.h5", dir);
    unlink(path);
    tx_set_config(THREADS_KEY, "2");
    info.gzip_level = 1;
    CHECK_INT_EQ(e->open(path, &info, &exp, err, sizeof(err)), 0);
    if (exp == NULL)
        return;
    signal(SIGXFSZ, SIG_IGN);
    getrlimit(RLIMIT_FSIZE, &saved);
    limited = saved;
    limited.rlim_cur = 512 * 1024;
    CHECK_INT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
    rc = e->begin_channel(exp, &numbers, number_signals, NNUMBERS, err, sizeof(err));
    for (size_t first = 0; rc == 0 && first < NSAMPLES; first += BATCH) {
        fill(&b, &numbers, first, NSAMPLES - first < BATCH ? NSAMPLES - first : BATCH, 1);
        rc = e->append(exp, &b.batch, err, sizeof(err));
    }
    /* 100,003 noisy int64s alone are 800 KB: some write fails, by the channel's end at the latest.
     */
    if (rc == 0)
        rc = e->end_channel(exp, &sum, err, sizeof(err));
    CHECK_INT_EQ(rc, PIVOT_EIO);
    CHECK(strstr(err, "File too large") != NULL);
    fprintf(stderr, "size limit: %s\n", err);
    /* As the worker does: the limit is lifted before what is left is closed. */
    setrlimit(RLIMIT_FSIZE, &saved);
    signal(SIGXFSZ, SIG_DFL);
    CHECK_INT_EQ(e->close(exp, NULL, err, sizeof(err)), 0);
    unlink(path);
}

int main(int argc, char **argv)
{
    const pivot_exporter *e;

    if (argc != 3) {
        fprintf(stderr, "usage: %s <hdf5.so> <output directory>\n", argv[0]);
        return 2;
    }
    for (size_t i = 0; i < NBIG; i++) {
        snprintf(big_names[i], sizeof(big_names[i]), "S%03zu", i);
        big_symbols[i] = big_names[i];
    }
    big_detail.symbols = big_symbols;
    e = tx_load_exporter(argv[1]);
    CHECK(e != NULL);
    if (e == NULL)
        return check_report();
    /* About 128 KiB chunks (16,384 doubles: the last holds 1,699 samples). */
    check_thread_counts(e, argv[2], "threads", 1, 0);
    /* Small chunks, so that the ring of chunks in flight fills again and again. */
    check_thread_counts(e, argv[2], "threads_small", 6, 1000);
    check_abandon(e, argv[2]);
    check_size_limit(e, argv[2]);
    tx_set_config(NULL, NULL);
    return check_report();
}
