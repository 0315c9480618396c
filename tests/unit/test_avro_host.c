/* The avro plugin linked into a test, as the host runs it; see test_avro_host.h. */
#include "test_avro_host.h"

#include "avro_source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen);

const pivot_source *th_source;

/* Quiet: the tests check what the scans report, not the plugin's log. */
static void host_log(pivot_log_level level, const char *plugin, const char *fmt, ...)
{
    (void)level;
    (void)plugin;
    (void)fmt;
}

/* Settings given by the test. The fixtures' times are small counts of
 * nanoseconds without a logical type, which the plugin would otherwise take
 * for seconds: storage.time_unit is ns. */
static char *config_keys[16] = {"storage.time_unit"};
static char *config_values[16] = {"ns"};
static size_t config_count = 1;

void th_config_set(const char *key, const char *value)
{
    if (config_count < sizeof(config_keys) / sizeof(config_keys[0])) {
        config_keys[config_count] = strdup(key);
        config_values[config_count] = strdup(value);
        config_count++;
    }
}

static const char *host_config_get(const char *key)
{
    for (size_t i = config_count; i-- > 0;)
        if (strcmp(config_keys[i], key) == 0)
            return config_values[i];
    return NULL;
}

static const char *host_config_key_at(size_t index)
{
    return index < config_count ? config_keys[index] : NULL;
}

static int host_register_source(pivot_registry *reg, const pivot_source *s)
{
    (void)reg;
    th_source = s;
    return 0;
}

int th_init(void)
{
    static pivot_host host;

    host.size = sizeof(host);
    host.abi_major = PIVOT_ABI_MAJOR;
    host.log = host_log;
    host.config_get = host_config_get;
    host.config_key_at = host_config_key_at;
    host.register_source = host_register_source;
    char err[PIVOT_ERRMSG_SIZE] = "";
    if (pivot_plugin_init(&host, NULL, err, sizeof(err)) != 0 || th_source == NULL) {
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
