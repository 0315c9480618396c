/*
 * Throughput probe of the avro source: scans every signal of one channel
 * over its whole time range and prints records per second. Not a test.
 *
 * Usage: test_avro_source_bench <avro.so> <data_dir> <channel> [repeats]
 */
#include <dlfcn.h>
#include <pivot/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const pivot_source *source;

static int capture(pivot_registry *reg, const pivot_source *s)
{
    source = s;
    return 0;
}

static int count_batch(void *arg, const pivot_batch *b)
{
    *(size_t *)arg += b->count;
    return 0;
}

/* No settings at all: every lookup and the list of keys are empty. */
static const char *no_setting(const char *key)
{
    (void)key;
    return NULL;
}

static const char *no_key(size_t index)
{
    (void)index;
    return NULL;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    static pivot_host host;
    char err[PIVOT_ERRMSG_SIZE] = "";
    pivot_channel_info *info = NULL;
    const char **names = NULL;
    void *lib, *ctx = NULL;
    int repeats = argc > 4 ? atoi(argv[4]) : 3;
    int rc = 1;

    if (argc < 4) {
        fprintf(stderr, "usage: %s <avro.so> <data_dir> <channel> [repeats]\n", argv[0]);
        return 2;
    }
    lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "%s\n", dlerror());
        return 1;
    }
    host.size = sizeof(host);
    host.abi_major = PIVOT_ABI_MAJOR;
    host.config_get = no_setting;
    host.config_key_at = no_key;
    host.register_source = capture;
    if (((pivot_init_fn)dlsym(lib, "pivot_plugin_init"))(&host, NULL, err, sizeof(err)) != 0 ||
        source->open(argv[2], &ctx, err, sizeof(err)) != 0 ||
        source->describe(ctx, argv[3], &info, err, sizeof(err)) != 0) {
        fprintf(stderr, "setup: %s\n", err);
        goto out;
    }
    names = calloc(info->nsignals + 1, sizeof(*names));
    for (size_t i = 0; i < info->nsignals; i++)
        names[i] = info->signals[i].name;
    for (int r = 0; r < repeats; r++) {
        size_t records = 0;
        pivot_scan_sink sink = {sizeof(pivot_scan_sink), &records, count_batch, NULL};
        pivot_range all = {INT64_MIN, INT64_MAX};
        double t0 = now(), dt;

        if (source->scan(ctx, argv[3], names, info->nsignals, all, &sink, err, sizeof(err)) != 0) {
            fprintf(stderr, "scan: %s\n", err);
            goto out;
        }
        dt = now() - t0;
        printf("{\"records\":%zu,\"signals\":%zu,\"elapsed_s\":%.3f,\"records_per_s\":%.0f}\n",
               records, info->nsignals, dt, records / dt);
    }
    rc = 0;
out:
    free(names);
    if (info != NULL)
        source->free_info(ctx, info);
    if (ctx != NULL)
        source->close(ctx);
    return rc;
}
