/* A library with an init function but no magic: the loader must refuse it. */
#include <pivot/plugin.h>

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    (void)host;
    (void)reg;
    return 0;
}
