/* Registers a time-range parser, then fails: the loader must roll the registration back. */
#include <pivot/plugin.h>

PIVOT_PLUGIN_MAGIC("failing_init", "1.0");
PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg);

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

static const pivot_timespec_parser parser = {sizeof(pivot_timespec_parser), "failing_type",
                                             resolve};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    int rc = host->register_timespec(reg, &parser);
    if (rc != 0)
        return rc;
    return PIVOT_EIO;
}
