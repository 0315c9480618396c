#include "fuzz_env.h"

#include "host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static fuzz_env the_env;
static int ready;

static void remove_scratch(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", the_env.dir);
    if (system(cmd) != 0)
        fprintf(stderr, "fuzz: could not remove %s\n", the_env.dir);
}

/*
 * The schema of channel "ch"'s header-less relay files (SpeedData's
 * example.avsc with a nullable double and an enum more), so that an input
 * without an OCF header is decoded as the relay's blocks.
 */
static int write_relay_schema(void)
{
    static const char schema[] =
        "{\"type\":\"record\",\"name\":\"data\",\"fields\":["
        "{\"name\":\"time\",\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"},"
        "{\"name\":\"message\",\"type\":\"string\"},{\"name\":\"counter\",\"type\":\"int\"},"
        "{\"name\":\"sine_wave\",\"type\":\"double\"},{\"name\":\"ramp\",\"type\":\"double\"},"
        "{\"name\":\"square_wave\",\"type\":\"double\"},{\"name\":\"noise\",\"type\":\"double\"}]}";
    char path[128], msg[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/ch.avsc", the_env.dir);
    f = fopen(path, "w");
    if (f == NULL || fputs(schema, f) < 0 || fclose(f) != 0)
        return -1;
    return pv_config_set(&the_env.config, "storage.channels.ch.schema", path, msg, sizeof(msg));
}

fuzz_env *fuzz_env_get(void)
{
    char err[1024] = "";

    if (ready)
        return &the_env;
    snprintf(the_env.dir, sizeof(the_env.dir), "/tmp/pivot-fuzz-XXXXXX");
    if (mkdtemp(the_env.dir) == NULL)
        abort();
    atexit(remove_scratch);
    if (pv_config_defaults(&the_env.config) != 0)
        abort();
    free(the_env.config.plugin_dir);
    the_env.config.plugin_dir = strdup(FUZZ_PLUGIN_DIR);
    free(the_env.config.data_dir);
    if (asprintf(&the_env.config.data_dir, "%s/data", the_env.dir) < 0)
        abort();
    if (write_relay_schema() != 0)
        abort();
    the_env.registry = calloc(1, sizeof(*the_env.registry));
    if (the_env.registry == NULL)
        abort();
    pv_host_init(&the_env.config);
    if (pv_host_load_plugins(the_env.registry, &the_env.config, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz: loading the plugins from %s failed: %s\n", FUZZ_PLUGIN_DIR, err);
        abort();
    }
    the_env.source = pv_registry_source(the_env.registry, "avro");
    if (the_env.source == NULL)
        abort();
    ready = 1;
    return &the_env;
}
