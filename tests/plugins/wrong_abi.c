/* Declares an ABI version from the future: the loader must refuse it and name both versions. */
#include <pivot/plugin.h>

PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void);
PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg);

const pivot_magic *pivot_plugin_magic(void)
{
    static const pivot_magic magic = {sizeof(pivot_magic), PIVOT_ABI_VERSION + 1, "wrong_abi",
                                      "1.0"};
    return &magic;
}

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    (void)host;
    (void)reg;
    return 0;
}
