/* Entry points of the hdf5 plugin: registers the "hdf5" exporter. */
#include "h5_error.h"
#include "hdf5_export.h"

#include <pivot/plugin.h>
#include <stddef.h>

PIVOT_PLUGIN_MAGIC("hdf5", "0.1.0");

PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg);

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
};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    int rc = 0;

    if (host == NULL || host->size < offsetof(pivot_host, register_auth)) {
        rc = PIVOT_ENOTSUP;
        goto out;
    }
    hx_error_set_host(host);
    rc = host->register_exporter(reg, &hx_exporter);
    if (rc != 0 && host->log != NULL)
        host->log(PIVOT_LOG_ERROR, "hdf5", "cannot register the hdf5 exporter");
out:
    return rc;
}
