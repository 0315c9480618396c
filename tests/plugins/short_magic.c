/* A magic block too short to hold even the ABI major: the loader must not read past it. */
#include <pivot/plugin.h>

PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void);

const pivot_magic *pivot_plugin_magic(void)
{
    static const pivot_magic magic = {sizeof(size_t), PIVOT_ABI_MAJOR, "short_magic", "1.0"};
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
