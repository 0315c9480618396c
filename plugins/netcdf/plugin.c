/* Entry points of the netcdf plugin: registers the "netcdf" exporter. */
#include "nc_export.h"

#include <pivot/plugin.h>
#include <stddef.h>

PIVOT_PLUGIN_MAGIC("netcdf", "0.1.0");

static const pivot_exporter nx_exporter = {
    .size = sizeof(pivot_exporter),
    .name = "netcdf",
    .extension = ".nc",
    /* The media type netCDF's maintainers registered for netCDF-4 files. */
    .media_type = "application/x-netcdf",
    .open = nx_open,
    .begin_channel = nx_begin_channel,
    .append = nx_append,
    .end_channel = nx_end_channel,
    .close = nx_close,
    .estimate = nx_estimate,
};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return host->register_exporter(reg, &nx_exporter);
}
