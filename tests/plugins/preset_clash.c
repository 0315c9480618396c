/* Registers a preset the bundled timespec plugin already provides: init
 * fails, naming "timespec". */
#include <pivot/plugin.h>

PIVOT_PLUGIN_MAGIC("preset_clash", "1.0");

static int resolve(const pivot_preset *preset, int64_t now_ns, pivot_range *out, char *err,
                   size_t errlen)
{
    (void)preset;
    (void)err;
    (void)errlen;
    out->start_ns = now_ns - 1;
    out->end_ns = now_ns;
    return 0;
}

static const pivot_preset last_hour = {
    .size = sizeof(pivot_preset),
    .name = "last_hour",
    .description = "the nanosecond before now",
    .resolve = resolve,
};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return host->register_preset(reg, &last_hour);
}
