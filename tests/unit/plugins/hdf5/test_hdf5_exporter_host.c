/* Plugin loading for the hdf5 exporter's C tests; see test_hdf5_exporter_host.h. */
#include "test_hdf5_exporter_host.h"

#include <pivot/test_host.h>
#include <stdio.h>

/* The one setting tx_set_config gave: a new one replaces it. */
static char set_key[128];

void tx_set_config(const char *key, const char *value)
{
    if (set_key[0] != '\0')
        pivot_test_host_set(set_key, NULL);
    snprintf(set_key, sizeof(set_key), "%s", key != NULL ? key : "");
    if (key != NULL)
        pivot_test_host_set(key, value);
}

int tx_load_plugin(const char *plugin_path, tx_plugin *out)
{
    char err[PIVOT_ERRMSG_SIZE] = "";
    size_t before = pivot_test_host_registrations();
    int rc;

    *out = (tx_plugin){0};
    pivot_test_host_echo_log(PIVOT_LOG_DEBUG);
    rc = pivot_test_host_load_file(plugin_path, &out->magic, err, sizeof(err));
    if (rc == PIVOT_EIO && out->magic == NULL) {
        fprintf(stderr, "dlopen: %s\n", err);
        return -1;
    }
    out->has_init = rc != PIVOT_ENOTSUP;
    out->init_rc = out->has_init ? rc : 0;
    out->registrations = (int)(pivot_test_host_registrations() - before);
    out->exporter = out->registrations > 0 ? pivot_test_host_exporter(NULL) : NULL;
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
