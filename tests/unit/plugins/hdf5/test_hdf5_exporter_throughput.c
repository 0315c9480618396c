/*
 * Write throughput of the hdf5 exporter for a typical 1 kHz channel-hour:
 * 3.6 M samples of time + 4 float64 + 1 int32 in batches of 65,536. Prints
 * MB/s of column data; fails when any call fails or the file is not about
 * the size of the data.
 *
 * usage: test_hdf5_exporter_throughput <path of hdf5.so> <output directory> [batch size]
 */
#include "check.h"
#include "test_hdf5_exporter_host.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NSAMPLES 3600000
#define MAX_BATCH 65536
#define NDOUBLES 4
#define T0 INT64_C(1737642600000000000)
#define STEP_NS INT64_C(1000000)

static const pivot_exporter *load_exporter(const char *plugin_path)
{
    tx_plugin plugin;

    if (tx_load_plugin(plugin_path, &plugin) != 0 || !plugin.has_init)
        return NULL;
    CHECK_INT_EQ(plugin.init_rc, 0);
    return plugin.exporter;
}

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t times[MAX_BATCH];
static double doubles[NDOUBLES][MAX_BATCH];
static int32_t ints[MAX_BATCH];

int main(int argc, char **argv)
{
    static const pivot_signal_info signals[] = {{"a", PIVOT_TYPE_FLOAT64},
                                                {"b", PIVOT_TYPE_FLOAT64},
                                                {"c", PIVOT_TYPE_FLOAT64},
                                                {"d", PIVOT_TYPE_FLOAT64},
                                                {"n", PIVOT_TYPE_INT32}};
    const pivot_channel_info channel = {
        .size = sizeof(channel), .name = "bench", .nsignals = 5, .signals = signals};
    const pivot_export_info info = {.size = sizeof(info),
                                    .job_id = "bench",
                                    .request_json = "{}",
                                    .requested = {T0, T0 + NSAMPLES * STEP_NS},
                                    .owner = "bench",
                                    .producer = "pivotd 0.1.0"};
    const pivot_channel_summary csum = {sizeof(csum), NSAMPLES, {T0, T0 + NSAMPLES * STEP_NS}};
    const pivot_export_summary sum = {sizeof(sum), NSAMPLES, 1, csum.actual};
    const double bytes = (double)NSAMPLES * (8 + NDOUBLES * 8 + 4);
    pivot_column columns[5];
    pivot_batch batch = {
        .size = sizeof(pivot_batch), .time = times, .ncolumns = 5, .columns = columns};
    char err[PIVOT_ERRMSG_SIZE] = "";
    const pivot_exporter *e;
    char path[4096];
    void *exp = NULL;
    struct stat st;
    double start, secs;

    size_t batch_size = MAX_BATCH;

    if (argc == 4)
        batch_size = strtoul(argv[3], NULL, 10);
    if ((argc != 3 && argc != 4) || batch_size == 0 || batch_size > MAX_BATCH) {
        fprintf(stderr, "usage: %s <hdf5.so> <output directory> [batch size <= %d]\n", argv[0],
                MAX_BATCH);
        return 2;
    }
    e = load_exporter(argv[1]);
    CHECK(e != NULL);
    if (e == NULL)
        return check_report();
    for (int c = 0; c < 5; c++) {
        columns[c].name = signals[c].name;
        columns[c].type = signals[c].type;
        columns[c].data = c < NDOUBLES ? (const void *)doubles[c] : (const void *)ints;
    }
    snprintf(path, sizeof(path), "%s/throughput.h5", argv[2]);
    unlink(path);

    start = now();
    CHECK_INT_EQ(e->open(path, &info, &exp, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->begin_channel(exp, &channel, signals, 5, err, sizeof(err)), 0);
    for (size_t first = 0; first < NSAMPLES; first += batch_size) {
        size_t n = NSAMPLES - first < batch_size ? NSAMPLES - first : batch_size;

        /* Filling the columns stays inside the timing: the figure errs low. */
        for (size_t k = 0; k < n; k++) {
            times[k] = T0 + (int64_t)(first + k) * STEP_NS;
            for (int c = 0; c < NDOUBLES; c++)
                doubles[c][k] = (double)(first + k) * (c + 1);
            ints[k] = (int32_t)(first + k);
        }
        batch.count = n;
        CHECK_INT_EQ(e->append(exp, &batch, err, sizeof(err)), 0);
    }
    CHECK_INT_EQ(e->end_channel(exp, &csum, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->close(exp, &sum, err, sizeof(err)), 0);
    secs = now() - start;

    CHECK_INT_EQ(stat(path, &st), 0);
    CHECK((double)st.st_size >= bytes && (double)st.st_size < bytes * 1.05);
    printf("hdf5 export: %d samples x (time + %d float64 + int32) in batches of %zu, %.1f MB in "
           "%.3f s: %.0f MB/s, file %lld bytes\n",
           NSAMPLES, NDOUBLES, batch_size, bytes / 1e6, secs, bytes / 1e6 / secs,
           (long long)st.st_size);
    unlink(path);
    return check_report();
}
