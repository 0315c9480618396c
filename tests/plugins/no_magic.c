/* A library with an init function but no magic: the loader must refuse it. */
#include <pivot/plugin.h>

PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg);

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    (void)host;
    (void)reg;
    return 0;
}
