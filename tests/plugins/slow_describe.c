/*
 * A data source for bench/api_latency.py, not for production: channels
 * "ch000" and "ch001" hold one float64 signal "value" at 1 Hz through
 * 2025-01-01 (00:00 to 01:00 UTC); the channel "slow" is the same, but
 * describing it (and finding its span) takes SLOW_DESCRIBE_MS, as a source
 * on a cold network disk would. Registered as source "slow_describe".
 */
#include <pivot/plugin.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

PIVOT_PLUGIN_MAGIC("slow_describe", "1.0.0");
PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err,
                                          size_t errlen);

#define SLOW_DESCRIBE_MS 2000
#define SPAN_START_NS 1735689600000000000LL /* 2025-01-01T00:00:00Z */
#define SPAN_END_NS (SPAN_START_NS + 3600LL * 1000000000LL)
#define STEP_NS 1000000000LL
#define BATCH_MAX 1024

static const char *const channels[] = {"ch000", "ch001", "slow"};

static int known(const char *channel)
{
    for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
        if (strcmp(channels[i], channel) == 0)
            return 1;
    }
    return 0;
}

static void wait_if_slow(const char *channel)
{
    struct timespec ts = {SLOW_DESCRIBE_MS / 1000, (SLOW_DESCRIBE_MS % 1000) * 1000000L};
    if (strcmp(channel, "slow") == 0)
        while (nanosleep(&ts, &ts) != 0)
            ;
}

static int src_open(const char *location, void **ctx, char *err, size_t errlen)
{
    (void)location;
    (void)err;
    (void)errlen;
    *ctx = (void *)channels; /* no state */
    return 0;
}

static void src_close(void *ctx)
{
    (void)ctx;
}

static int src_list(void *ctx, int (*cb)(void *arg, const char *channel), void *arg, char *err,
                    size_t errlen)
{
    (void)ctx;
    (void)err;
    (void)errlen;
    for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
        int rc = cb(arg, channels[i]);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static const pivot_signal_info value_signal = {"value", PIVOT_TYPE_FLOAT64};

static int src_describe(void *ctx, const char *channel, pivot_channel_info **out, char *err,
                        size_t errlen)
{
    pivot_channel_info *info;

    (void)ctx;
    (void)err;
    (void)errlen;
    if (!known(channel))
        return PIVOT_ENOENT;
    wait_if_slow(channel);
    info = calloc(1, sizeof(*info));
    if (info == NULL)
        return PIVOT_ENOMEM;
    info->size = sizeof(*info);
    info->name = channel;
    info->nsignals = 1;
    info->signals = &value_signal;
    *out = info;
    return 0;
}

static void src_free_info(void *ctx, pivot_channel_info *info)
{
    (void)ctx;
    free(info);
}

static int src_scan(void *ctx, const char *channel, const char *const *signals, size_t nsignals,
                    pivot_range range, const pivot_scan_sink *sink, char *err, size_t errlen)
{
    int64_t time[BATCH_MAX];
    double value[BATCH_MAX];
    pivot_column column = {"value", PIVOT_TYPE_FLOAT64, value};
    pivot_batch batch = {.size = sizeof(pivot_batch),
                         .time = time,
                         .ncolumns = nsignals > 0 ? 1 : 0,
                         .columns = &column};
    int64_t t = range.start_ns < SPAN_START_NS ? SPAN_START_NS : range.start_ns;

    (void)ctx;
    (void)signals;
    (void)err;
    (void)errlen;
    if (!known(channel))
        return PIVOT_ENOENT;
    t = SPAN_START_NS + (t - SPAN_START_NS + STEP_NS - 1) / STEP_NS * STEP_NS;
    while (t < range.end_ns && t < SPAN_END_NS) {
        batch.count = 0;
        for (; batch.count < BATCH_MAX && t < range.end_ns && t < SPAN_END_NS; t += STEP_NS) {
            time[batch.count] = t;
            value[batch.count] = (double)((t - SPAN_START_NS) / STEP_NS);
            batch.count++;
        }
        int rc = sink->batch(sink->arg, &batch);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int src_span(void *ctx, const char *channel, pivot_range *out, double *rate_hz, char *err,
                    size_t errlen)
{
    (void)ctx;
    (void)err;
    (void)errlen;
    if (!known(channel))
        return PIVOT_ENOENT;
    wait_if_slow(channel);
    out->start_ns = SPAN_START_NS;
    out->end_ns = SPAN_END_NS;
    *rate_hz = 1.0;
    return 0;
}

static const pivot_source source = {
    .size = sizeof(pivot_source),
    .name = "slow_describe",
    .open = src_open,
    .close = src_close,
    .list_channels = src_list,
    .describe = src_describe,
    .free_info = src_free_info,
    .scan = src_scan,
    .span = src_span,
};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return host->register_source(reg, &source);
}
