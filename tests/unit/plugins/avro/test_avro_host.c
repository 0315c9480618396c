/* The avro plugin linked into a test, as the host runs it; see test_avro_host.h. */
#include "test_avro_host.h"

#include "avro_source.h"

#include <pivot/test_host.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen);

const pivot_source *th_source;

void th_config_set(const char *key, const char *value)
{
    pivot_test_host_set(key, value);
}

int th_init(void)
{
    char err[PIVOT_ERRMSG_SIZE] = "";

    /* The fixtures' times are small counts of nanoseconds without a logical
     * type, which the plugin would otherwise take for seconds. */
    if (pivot_test_host_set("storage.time_unit", "ns") != 0 ||
        pivot_test_host_load(pivot_plugin_init, err, sizeof(err)) != 0 ||
        (th_source = pivot_test_host_source("avro")) == NULL) {
        fprintf(stderr, "plugin init failed: %s\n", err);
        return -1;
    }
    return 0;
}

void *th_open(const char *data_dir, const char *mode)
{
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *ctx = NULL;

    if (mode != NULL)
        setenv(PVA_DECODER_ENV, mode, 1);
    else
        unsetenv(PVA_DECODER_ENV);
    if (th_source->open(data_dir, &ctx, err, sizeof(err)) != 0)
        fprintf(stderr, "open: %s\n", err);
    unsetenv(PVA_DECODER_ENV);
    return ctx;
}
