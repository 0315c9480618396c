/*
 * pivotd's configuration: built-in defaults, then a YAML file (a superset
 * of SpeedData's config/pivot.yaml), then command-line flags.
 */
#ifndef PV_CONFIG_H
#define PV_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/** Resolved settings. Strings are owned by the config. */
typedef struct pv_config {
    char *listen_host; /**< "127.0.0.1" (api.host) */
    int listen_port;   /**< 8000 (api.port); 0 picks a free port */
    char *data_dir;    /**< "./data" (storage.avro_path, or data_dir) */
    int data_dir_set;  /**< data_dir was given by the file or a flag */
    char *state_dir;   /**< "./pivot" (state_dir) */
    char *plugin_dir;  /**< NULL: ../lib/pivot next to the executable (plugin_dir) */
    char *job_store; /**< NULL: <state_dir>/jobs.db; a postgresql:// URI: PostgreSQL (job_store) */
    char *results_dir;           /**< NULL: <state_dir>/results (results_dir) */
    char *node_name;             /**< NULL: the host name and pid (node_name) */
    int node_max_concurrent;     /**< 0: none (jobs.node_max_concurrent): this node's own cap */
    size_t max_request_bytes;    /**< 1 MiB (api.limits.max_request_bytes) */
    int http_threads;            /**< 2 (api.threads) */
    int quick_lane_threads;      /**< 0: as many as http_threads (api.quick_lane_threads) */
    int slow_lane_threads;       /**< 4 (api.slow_lane_threads) */
    int max_concurrent_jobs;     /**< 3 (jobs.max_concurrent) */
    int64_t job_timeout_s;       /**< 3600 (jobs.timeout) */
    int64_t job_timeout_cap_s;   /**< 3600 (jobs.timeout_cap): the largest jobs.timeout allowed */
    int64_t retention_s;         /**< 86400 (jobs.retention) */
    int64_t heartbeat_timeout_s; /**< 120 (jobs.heartbeat_timeout): silence before a worker counts
                                    as stuck */
    int max_attempts;            /**< 2 (jobs.max_attempts) */
    size_t max_output_bytes;     /**< 0 (jobs.max_output_bytes): largest result file; 0: no limit */
    int max_channels_per_job;    /**< 10000 (api.limits.max_channels) */
    int list_limit_max;          /**< 1000 (api.limits.max_page_size) */
    int sync_max_channels;       /**< 20 (api.limits.max_channels_per_query): GET /export */
    int sync_max_range_minutes;  /**< 5 (api.limits.max_time_range_minutes): GET /export */
    int64_t sync_max_wait_ms;    /**< 600000 (api.limits.max_sync_wait): GET /export's wait */
    int64_t request_timeout_s;   /**< 10 (api.limits.request_timeout): to send a whole request */
    /* Per-user quota defaults (quotas.*); 0 means no limit. Overridden per
     * user with `pivotd quota set`. */
    int quota_max_running;      /**< 0 (quotas.max_running_jobs) */
    int quota_max_queued;       /**< 100 (quotas.max_queued_jobs) */
    int quota_jobs_per_day;     /**< 1000 (quotas.jobs_per_day) */
    size_t quota_bytes_per_day; /**< 0 (quotas.output_bytes_per_day) */
    int quota_max_channels;     /**< 0 (quotas.max_channels_per_job) */
    int64_t quota_max_range_s;  /**< 0 (quotas.max_time_range) */
    /** Every scalar of the file, flattened to dotted keys, for plugins' config_get. */
    size_t nentries;
    char **keys;
    char **values;
} pv_config;

/** Fills cfg with the built-in defaults. Returns 0 or -1 (out of memory). */
int pv_config_defaults(pv_config *cfg);

/**
 * Reads a YAML file over the current settings. Returns 0, or -1 with a
 * message naming the file, line and key in err.
 */
int pv_config_load_file(pv_config *cfg, const char *path, char *err, size_t errlen);

/**
 * Sets one setting by dotted key ("api.port", "storage.avro_path"...), as
 * the file would. Flags use it so that they override the file. Returns 0,
 * or -1 with a message (unknown key for a typed setting, bad number).
 */
int pv_config_set(pv_config *cfg, const char *key, const char *value, char *err, size_t errlen);

/** Looks up any flattened key ("plugins.avro.x"); NULL when unset. Borrowed. */
const char *pv_config_get(const pv_config *cfg, const char *key);

/**
 * The auth backends named by auth.backends, in order, into names (at most
 * max; the strings are the config's): the server tries them in that order,
 * `pivotd keys` administers keys through the first that can. Unset, the
 * list is [apikey]. Returns how many.
 */
size_t pv_config_auth_backends(const pv_config *cfg, const char **names, size_t max);

/**
 * Applies speeddata.root: when storage.avro_path/data_dir was not given,
 * sets it from SpeedData's <root>/config/global.yaml (storage.avro_path,
 * relative to the root; "./data" when the file names none). Returns 0, or
 * -1 with a message when the file cannot be read.
 */
int pv_config_speeddata_resolve(pv_config *cfg, char *err, size_t errlen);

/** The key of flattened entry `index`, or NULL past the last one. Borrowed. */
const char *pv_config_key_at(const pv_config *cfg, size_t index);

/** Releases everything cfg owns. */
void pv_config_free(pv_config *cfg);

#endif
