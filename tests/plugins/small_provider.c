/* Registers an exporter whose size member is smaller than ABI 1's first version: registration must
 * fail. */
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

static const pivot_exporter exporter = {.size = sizeof(size_t),
                                        .name = "tiny",
                                        .extension = ".tiny",
                                        .media_type = "application/octet-stream",
                                        .open = open_file};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return host->register_exporter(reg, &exporter);
}
