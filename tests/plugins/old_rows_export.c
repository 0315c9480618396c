/*
 * An exporter, "rows", whose plugin declares ABI 1.3: what a format built
 * before the enum and bytes types and the validity masks sees. It writes a
 * text file with, per channel, its signals and types, its row count and the
 * sum of each integer signal, so that a test can check which signals it was
 * given and that nulls reached it as their fill (0).
 */
#include <pivot/plugin.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#define OLD_ABI_MINOR 3
#define MAX_SIGNALS 64

PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void);

const pivot_magic *pivot_plugin_magic(void)
{
    static const pivot_magic magic = {sizeof(pivot_magic), PIVOT_ABI_MAJOR, OLD_ABI_MINOR,
                                      "old_rows", "1.0"};
    return &magic;
}

typedef struct rows_export {
    FILE *out;
    size_t nsignals;
    const char *names[MAX_SIGNALS];
    int64_t sums[MAX_SIGNALS];
    uint64_t rows;
} rows_export;

static int rows_open(const char *path, const pivot_export_info *info, void **exp, char *err,
                     size_t errlen)
{
    rows_export *x = calloc(1, sizeof(*x));
    (void)info;
    if (x == NULL || (x->out = fopen(path, "w")) == NULL) {
        snprintf(err, errlen, "cannot create the result file");
        free(x);
        return PIVOT_EIO;
    }
    *exp = x;
    return 0;
}

static int rows_begin_channel(void *exp, const pivot_channel_info *channel,
                              const pivot_signal_info *signals, size_t nsignals, char *err,
                              size_t errlen)
{
    rows_export *x = exp;
    if (nsignals > MAX_SIGNALS) {
        snprintf(err, errlen, "at most %d signals", MAX_SIGNALS);
        return PIVOT_EINVAL;
    }
    fprintf(x->out, "channel %s\n", channel->name);
    x->nsignals = nsignals;
    x->rows = 0;
    for (size_t i = 0; i < nsignals; i++) {
        fprintf(x->out, "signal %s %s\n", signals[i].name, pivot_type_name(signals[i].type));
        x->names[i] = signals[i].name;
        x->sums[i] = 0;
    }
    return 0;
}

/* Reads only what ABI 1.3 defines: the time, the columns, never `valid`. */
static int rows_append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    rows_export *x = exp;
    (void)err;
    (void)errlen;
    for (size_t k = 0; k < batch->ncolumns && k < x->nsignals; k++) {
        const pivot_column *c = &batch->columns[k];
        for (size_t r = 0; r < batch->count; r++) {
            if (c->type == PIVOT_TYPE_INT32)
                x->sums[k] += ((const int32_t *)c->data)[r];
            else if (c->type == PIVOT_TYPE_INT64)
                x->sums[k] += ((const int64_t *)c->data)[r];
        }
    }
    x->rows += batch->count;
    return 0;
}

static int rows_end_channel(void *exp, const pivot_channel_summary *summary, char *err,
                            size_t errlen)
{
    rows_export *x = exp;
    (void)summary;
    (void)err;
    (void)errlen;
    fprintf(x->out, "rows %" PRIu64 "\n", x->rows);
    for (size_t i = 0; i < x->nsignals; i++)
        fprintf(x->out, "sum %s %" PRId64 "\n", x->names[i], x->sums[i]);
    return 0;
}

static int rows_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen)
{
    rows_export *x = exp;
    int rc = fclose(x->out) == 0 ? 0 : PIVOT_EIO;
    (void)summary;
    if (rc != 0)
        snprintf(err, errlen, "writing the result file failed");
    free(x);
    return rc;
}

static const pivot_exporter exporter = {
    .size = sizeof(pivot_exporter),
    .name = "rows",
    .extension = ".txt",
    .media_type = "text/plain",
    .open = rows_open,
    .begin_channel = rows_begin_channel,
    .append = rows_append,
    .end_channel = rows_end_channel,
    .close = rows_close,
};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    return host->register_exporter(reg, &exporter);
}
