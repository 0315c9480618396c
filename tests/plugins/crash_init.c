/* Crashes inside its init: `pivotd plugins check` must survive and say so. */
#include <pivot/plugin.h>

#include <signal.h>

PIVOT_PLUGIN_MAGIC("crash_init", "1.0");

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    (void)host;
    (void)reg;
    raise(SIGSEGV);
    return 0;
}
