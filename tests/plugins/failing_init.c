/*
 * Registers a time-range parser, then refuses to start with a reason: the
 * loader must roll the registration back and quote the reason.
 */
#include <pivot/plugin.h>

#include <stdio.h>

PIVOT_PLUGIN_MAGIC("failing_init", "1.0");

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

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    int rc = host->register_timespec(reg, &parser);
    if (rc != 0)
        return rc;
    snprintf(err, errlen, "plugins.failing_init.path: not set; give the file of shifts to read");
    return PIVOT_EINVAL;
}
