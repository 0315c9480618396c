/*
 * What SpeedData's own configuration says about each channel: the schema
 * files of its header-less relay files, its folder when it is not
 * <data_dir>/<channel>, and the unit of its time when the schema cannot
 * tell. Read from pivotd's settings (storage.channels.<name>.*) and, under
 * speeddata.root, from the channel registry, config/relay.yaml and
 * config/agents/<channel>.avsc.
 */
#ifndef PVA_SITE_CONFIG_H
#define PVA_SITE_CONFIG_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/** Where a channel's schema comes from, in order of precedence. */
typedef enum pva_schema_origin {
    PVA_ORIGIN_NONE = 0,      /**< no schema known: only OCF files are readable */
    PVA_ORIGIN_SETTINGS,      /**< storage.channels.<name>.schema */
    PVA_ORIGIN_REGISTRY,      /**< the registry's channels.schema_path */
    PVA_ORIGIN_RELAY_YAML,    /**< config/relay.yaml, channels[].schema */
    PVA_ORIGIN_SCHEMA_FOLDER, /**< config/agents/<channel>.avsc */
    PVA_ORIGIN_FILE_HEADER    /**< the header of the channel's OCF files */
} pva_schema_origin;

/** The name an origin is reported under ("registry", "relay.yaml"...). */
const char *pva_origin_name(pva_schema_origin origin);

/** One channel named by the configuration. */
typedef struct pva_channel_conf {
    char *name;
    char *dir;                /**< its folder (storage.channels.<name>.path), or NULL */
    char **schemas;           /**< schema files, oldest version first, newest last */
    size_t nschemas;          /**< 0 when no source names one */
    pva_schema_origin origin; /**< where schemas came from */
    int64_t ns_per_unit;      /**< storage.channels.<name>.time_unit, 0 when not set */
} pva_channel_conf;

/** The configuration of a site, reloaded when its files change. */
typedef struct pva_site {
    char *root;                 /**< speeddata.root, or NULL */
    char *registry;             /**< the registry's path, or NULL */
    char *relay_yaml;           /**< config/relay.yaml under the root, or NULL */
    char *schema_folder;        /**< config/agents under the root, or NULL */
    pva_channel_conf *channels; /**< sorted by name */
    size_t count;
    struct timespec registry_mtime, relay_mtime; /**< of the files last read */
    struct timespec checked; /**< when the files were last looked at (CLOCK_MONOTONIC) */
    int64_t ns_per_unit;     /**< storage.time_unit for schemas without a logical type; 0: infer */
} pva_site;

/**
 * Reads the site's configuration through the host's settings. A registry or
 * relay.yaml that cannot be read is logged and passed over (the channels of
 * the other sources stay usable). Returns 0, PIVOT_EINVAL with a message
 * for a setting that is wrong (an unknown time unit), or PIVOT_ENOMEM.
 */
int pva_site_load(pva_site *site, char *err, size_t errlen);

/** Reloads when the registry or relay.yaml changed since the last read; 0 or an error as load. */
int pva_site_refresh(pva_site *site, char *err, size_t errlen);

/** The configuration of `channel`, or NULL when it names no such channel. Borrowed. */
const pva_channel_conf *pva_site_channel(const pva_site *site, const char *channel);

/**
 * The schema-folder fallback: writes <root>/config/agents/<channel>.avsc
 * into buf and returns 1 when that file exists, else 0.
 */
int pva_site_folder_schema(const pva_site *site, const char *channel, char *buf, size_t len);

/**
 * Writes where a schema for `channel` was looked for, for a message to the
 * operator: settings keys and paths relative to the SpeedData root.
 */
void pva_site_describe_search(const pva_site *site, const char *channel, char *out, size_t len);

/** Releases the configuration; a zeroed site is accepted. */
void pva_site_free(pva_site *site);

#endif
