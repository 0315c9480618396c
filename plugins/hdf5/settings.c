/* The exporter's settings; see settings.h. */
#include "settings.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static const pivot_host *settings_host;

void hx_settings_set_host(const pivot_host *host)
{
    settings_host = host;
}

/* One thread per core the process may use. */
static unsigned cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 1)
        return 1;
    return n > HX_COMPRESSION_THREADS_MAX ? HX_COMPRESSION_THREADS_MAX : (unsigned)n;
}

unsigned hx_compression_threads(void)
{
    static const char key[] = "plugins.hdf5.compression_threads";
    const char *value = NULL;
    unsigned threads = cores();
    char *end;
    long n;

    if (settings_host != NULL && settings_host->config_get != NULL)
        value = settings_host->config_get(key);
    if (value == NULL)
        goto out;
    errno = 0;
    n = strtol(value, &end, 10);
    if (errno != 0 || end == value || *end != '\0' || n < 0 || n > HX_COMPRESSION_THREADS_MAX) {
        if (settings_host->log != NULL)
            settings_host->log(PIVOT_LOG_WARNING, "hdf5",
                               "%s: \"%s\" is not a number of threads from 0 to %d; using %u "
                               "(one per core)",
                               key, value, HX_COMPRESSION_THREADS_MAX, threads);
        goto out;
    }
    threads = (unsigned)n;
out:
    return threads;
}
