/* Registers an exporter without end_channel: the refusal must name end_channel. */
#include <pivot/plugin.h>

PIVOT_PLUGIN_MAGIC("missing_callback", "1.0");

static int open_file(const char *path, const pivot_export_info *info, void **exp, char *err,
                     size_t errlen)
{
    (void)path;
    (void)info;
    (void)exp;
    (void)err;
    (void)errlen;
    return PIVOT_ENOTSUP;
}

static int begin_channel(void *exp, const pivot_channel_info *channel,
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

static int append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    (void)exp;
    (void)batch;
    (void)err;
    (void)errlen;
    return 0;
}

static int close_file(void *exp, const pivot_export_summary *summary, char *err, size_t errlen)
{
    (void)exp;
    (void)summary;
    (void)err;
    (void)errlen;
    return 0;
}

static const pivot_exporter exporter = {
    .size = sizeof(pivot_exporter),
    .name = "incomplete",
    .extension = ".txt",
    .media_type = "text/plain",
    .open = open_file,
    .begin_channel = begin_channel,
    .append = append,
    .close = close_file,
};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return host->register_exporter(reg, &exporter);
}
