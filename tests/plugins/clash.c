/* Registers a time_range type that plugin "good" already provides: init fails, naming "good". */
#include <pivot/plugin.h>

PIVOT_PLUGIN_MAGIC("clash", "1.0");

static int resolve(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                   size_t errlen)
{
    (void)spec;
    (void)err;
    (void)errlen;
    out->start_ns = now_ns - 1;
    out->end_ns = now_ns;
    return 0;
}

static const pivot_timespec_parser parser = {sizeof(pivot_timespec_parser), "last_n_seconds",
                                             resolve};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return host->register_timespec(reg, &parser);
}
