/* Registers an exporter whose size member is too small for ABI 1.0: registration must fail. */
#include <pivot/plugin.h>

PIVOT_PLUGIN_MAGIC("small_provider", "1.0");

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

static const pivot_exporter exporter = {
    sizeof(size_t), "tiny", ".tiny", "application/octet-stream", open_file, NULL, NULL, NULL, NULL};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    return host->register_exporter(reg, &exporter);
}
