/* Built against a newer ABI minor than the server's: it may use members the server lacks. */
#include <pivot/plugin.h>

PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void);

const pivot_magic *pivot_plugin_magic(void)
{
    static const pivot_magic magic = {sizeof(pivot_magic), PIVOT_ABI_MAJOR, PIVOT_ABI_MINOR + 1,
                                      "newer_minor", "1.0"};
    return &magic;
}

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    (void)host;
    (void)reg;
    return 0;
}
