/* Declares an ABI major from the future: the loader must refuse it and name both versions. */
#include <pivot/plugin.h>

PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void);

const pivot_magic *pivot_plugin_magic(void)
{
    static const pivot_magic magic = {sizeof(pivot_magic), PIVOT_ABI_MAJOR + 1, "wrong_abi", "1.0"};
    return &magic;
}

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    (void)host;
    (void)reg;
    return 0;
}
