/* Its magic function returns NULL: the loader must refuse it without reading through it. */
#include <pivot/plugin.h>

PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void);

const pivot_magic *pivot_plugin_magic(void)
{
    return NULL;
}

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    (void)host;
    (void)reg;
    return 0;
}
