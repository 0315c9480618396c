/* An exporter, "crash", that dies with SIGSEGV on its first batch: the
 * worker running it goes down, and only its job may fail. */
#include <pivot/plugin.h>

#include <signal.h>
#include <stdlib.h>

PIVOT_PLUGIN_MAGIC("crash_export", "1.0");
static int crash_open(const char *path, const pivot_export_info *info, void **exp, char *err,
                      size_t errlen)
{
    (void)path;
    (void)info;
    (void)err;
    (void)errlen;
    /* Any non-NULL handle: nothing is written before the crash. */
    *exp = malloc(1);
    return *exp != NULL ? 0 : PIVOT_ENOMEM;
}

static int crash_begin_channel(void *exp, const pivot_channel_info *channel,
                               const pivot_signal_info *signals, size_t nsignals, char *err,
                               size_t errlen)
{
    (void)exp;
    (void)channel;
    (void)signals;
    (void)nsignals;
    (void)err;
    (void)errlen;
    return 0;
}

static int crash_append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    (void)exp;
    (void)batch;
    (void)err;
    (void)errlen;
    raise(SIGSEGV);
    return PIVOT_EIO;
}

static int crash_end_channel(void *exp, const pivot_channel_summary *summary, char *err,
                             size_t errlen)
{
    (void)exp;
    (void)summary;
    (void)err;
    (void)errlen;
    return 0;
}

static int crash_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen)
{
    (void)summary;
    (void)err;
    (void)errlen;
    free(exp);
    return 0;
}

static const pivot_exporter exporter = {
    .size = sizeof(pivot_exporter),
    .name = "crash",
    .extension = ".crash",
    .media_type = "application/octet-stream",
    .open = crash_open,
    .begin_channel = crash_begin_channel,
    .append = crash_append,
    .end_channel = crash_end_channel,
    .close = crash_close,
};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return host->register_exporter(reg, &exporter);
}
