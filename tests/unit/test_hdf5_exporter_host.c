/* Plugin loading for the hdf5 exporter's C tests; see test_hdf5_exporter_host.h. */
#include "test_hdf5_exporter_host.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Where the host's register_exporter puts what the plugin registers. */
static tx_plugin *loading;

static void host_log(pivot_log_level level, const char *plugin, const char *fmt, ...)
{
    va_list ap;

    (void)level;
    va_start(ap, fmt);
    fprintf(stderr, "[%s] ", plugin);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The one setting tx_set_config gave. */
static const char *config_key, *config_value;

void tx_set_config(const char *key, const char *value)
{
    config_key = key;
    config_value = value;
}

static const char *host_config_get(const char *key)
{
    return config_key != NULL && strcmp(key, config_key) == 0 ? config_value : NULL;
}

static int host_register_exporter(pivot_registry *reg, const pivot_exporter *e)
{
    (void)reg;
    loading->exporter = e;
    loading->registrations++;
    return 0;
}

int tx_load_plugin(const char *plugin_path, tx_plugin *out)
{
    static pivot_host host;
    void *lib = dlopen(plugin_path, RTLD_NOW | RTLD_LOCAL);
    pivot_magic_fn magic;
    pivot_init_fn init;

    *out = (tx_plugin){0};
    if (lib == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return -1;
    }
    magic = (pivot_magic_fn)dlsym(lib, "pivot_plugin_magic");
    init = (pivot_init_fn)dlsym(lib, "pivot_plugin_init");
    out->magic = magic != NULL ? magic() : NULL;
    out->has_init = init != NULL;
    if (init == NULL)
        return 0;
    host.size = sizeof(host);
    host.abi_major = PIVOT_ABI_MAJOR;
    host.log = host_log;
    host.register_exporter = host_register_exporter;
    host.config_get = host_config_get;
    loading = out;
    char err[PIVOT_ERRMSG_SIZE] = "";
    out->init_rc = init(&host, NULL, err, sizeof(err));
    loading = NULL;
    return 0;
}

const pivot_exporter *tx_load_exporter(const char *plugin_path)
{
    tx_plugin plugin;

    if (tx_load_plugin(plugin_path, &plugin) != 0)
        return NULL;
    if (!plugin.has_init || plugin.init_rc != 0) {
        fprintf(stderr, "%s: pivot_plugin_init failed\n", plugin_path);
        return NULL;
    }
    return plugin.exporter;
}

pivot_export_info tx_export_info(const char *job_id, int64_t start_ns, int64_t end_ns)
{
    pivot_export_info info = {.size = sizeof(pivot_export_info),
                              .job_id = job_id,
                              .request_json = "{}",
                              .requested = {start_ns, end_ns},
                              .owner = "alice",
                              .producer = "pivotd 0.1.0"};
    return info;
}
