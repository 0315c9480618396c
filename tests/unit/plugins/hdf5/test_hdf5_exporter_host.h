/*
 * The host side of the hdf5 exporter's C tests: loading the plugin as
 * pivotd does and the export facts a host of this ABI gives it. Nothing
 * here checks; the tests check what it returns (their CHECK counters are
 * their own).
 */
#ifndef PIVOT_TEST_HDF5_EXPORTER_HOST_H
#define PIVOT_TEST_HDF5_EXPORTER_HOST_H

#include <pivot/plugin.h>

/** What loading a plugin gave. */
typedef struct tx_plugin {
    const pivot_magic *magic;       /**< from pivot_plugin_magic, or NULL when it has none */
    int has_init;                   /**< it exports pivot_plugin_init */
    int init_rc;                    /**< what pivot_plugin_init returned, when has_init */
    int registrations;              /**< exporters it registered */
    const pivot_exporter *exporter; /**< the last one registered, or NULL */
} tx_plugin;

/**
 * Opens the plugin at plugin_path and, when it has pivot_plugin_init, calls
 * it with a host of this ABI that logs to stderr. Returns 0, or -1 when the
 * file cannot be opened (reason on stderr). The library stays loaded.
 */
int tx_load_plugin(const char *plugin_path, tx_plugin *out);

/** Loads the plugin at plugin_path and returns its exporter, or NULL (reason on stderr). */
const pivot_exporter *tx_load_exporter(const char *plugin_path);

/**
 * Makes the host's config_get answer `value` for `key` (one setting at a
 * time; NULL value: unset). Strings are borrowed until the next call.
 */
void tx_set_config(const char *key, const char *value);

/** Export facts of a job `job_id` over [start_ns, end_ns), as a host of this ABI gives them. */
pivot_export_info tx_export_info(const char *job_id, int64_t start_ns, int64_t end_ns);

#endif
