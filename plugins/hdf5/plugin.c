/* Entry points of the hdf5 plugin: registers the "hdf5" exporter. */
#include "h5_error.h"
#include "hdf5_export.h"
#include "settings.h"

#include <pivot/plugin.h>
#include <stddef.h>

PIVOT_PLUGIN_MAGIC("hdf5", "0.1.0");

const pivot_exporter hx_exporter = {
    .size = sizeof(pivot_exporter),
    .name = "hdf5",
    .extension = ".h5",
    .media_type = "application/x-hdf5",
    .open = hx_open,
    .begin_channel = hx_begin_channel,
    .append = hx_append,
    .end_channel = hx_end_channel,
    .close = hx_close,
    .estimate = hx_estimate,
};

/* A refused registration needs no message of ours: the host reports its reason. */
int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    hx_error_set_host(host);
    hx_settings_set_host(host);
    return host->register_exporter(reg, &hx_exporter);
}
