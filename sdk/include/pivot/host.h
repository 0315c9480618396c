/*
 * The table of host services handed to every plugin.
 *
 * Like SQLite's sqlite3_api_routines, the table only grows at the end (the
 * ABI rule in common.h): a member appended later within the major is read
 * after checking PIVOT_HAS_MEMBER(host, pivot_host, member). Every member
 * up to config_key_at is part of the first version and is always there;
 * those after it say so where they are declared.
 *
 * Every function in the table may be called from any thread, concurrently.
 */
#ifndef PIVOT_HOST_H
#define PIVOT_HOST_H

#include <pivot/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An opaque, read-only JSON value owned by the host (a parsed request). */
typedef struct pivot_json pivot_json;

/** Kinds of JSON value returned by pivot_host.json_kind. */
typedef enum pivot_json_kind {
    PIVOT_JSON_NONE = 0, /**< the value is absent (a NULL pivot_json pointer) */
    PIVOT_JSON_NULL = 1,
    PIVOT_JSON_BOOL = 2,
    PIVOT_JSON_NUMBER = 3,
    PIVOT_JSON_STRING = 4,
    PIVOT_JSON_ARRAY = 5,
    PIVOT_JSON_OBJECT = 6
} pivot_json_kind;

/** The host's list of providers, passed to pivot_plugin_init for the register_* calls. */
typedef struct pivot_registry pivot_registry;
struct pivot_timespec_parser;
struct pivot_preset;
struct pivot_source;
struct pivot_exporter;
struct pivot_auth_backend;
struct pivot_key_store;

/** Host services. The table and every pointer in it are valid for the life of the process. */
typedef struct pivot_host {
    size_t size;        /**< sizeof(pivot_host) as the host was built */
    uint32_t abi_major; /**< PIVOT_ABI_MAJOR of the host */

    /**
     * Writes one log line to the server's log (standard error), prefixed with
     * `plugin` (pass the plugin's name); printf-style. Plugins never print
     * any other way.
     */
    void (*log)(pivot_log_level level, const char *plugin, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

    /**
     * Looks up a configuration value by dotted key ("storage.avro_path",
     * "state_dir", "plugins.<name>.<key>"; list items are numbered from 0,
     * "plugins.<name>.<list>.0"). A plugin's own settings live in the config
     * file's `plugins.<name>` section. Returns a string owned by the host,
     * valid for the life of the process, or NULL when the key is not set.
     */
    const char *(*config_get)(const char *key);

    /*
     * Registration, only from pivot_plugin_init. Each returns 0,
     * PIVOT_EEXIST when a provider of that name is already registered (the
     * loader's message names its plugin), or PIVOT_EINVAL when the struct is
     * smaller than the major's first version, has no name or lacks a required
     * callback (the loader's message names it). The struct passed in is
     * borrowed for the life of the process (use statics: plugins are never
     * unloaded); the host reads only the members its `size` covers.
     */
    int (*register_timespec)(pivot_registry *reg, const struct pivot_timespec_parser *p);
    int (*register_source)(pivot_registry *reg, const struct pivot_source *s);
    int (*register_exporter)(pivot_registry *reg, const struct pivot_exporter *e);
    int (*register_auth)(pivot_registry *reg, const struct pivot_auth_backend *a);

    /* Read-only JSON accessors. A NULL value is accepted everywhere and
     * behaves as an absent value. Returned pointers are borrowed from the
     * host for the duration of the call that handed out the value. */
    pivot_json_kind (*json_kind)(const pivot_json *v);
    /** Member of an object by key, or NULL. */
    const pivot_json *(*json_get)(const pivot_json *obj, const char *key);
    /** NUL-terminated string of a string value, or NULL for other kinds. */
    const char *(*json_string)(const pivot_json *v);
    /** Number as a double; 0 when the value is not a number. */
    double (*json_double)(const pivot_json *v);
    /** Number as an exact integer; returns 0, or PIVOT_ERANGE when not an integer. */
    int (*json_int64)(const pivot_json *v, int64_t *out);
    /** Length of an array or number of members of an object; 0 otherwise. */
    size_t (*json_length)(const pivot_json *v);
    /** Element i of an array, or value of member i of an object; NULL when out of range. */
    const pivot_json *(*json_at)(const pivot_json *v, size_t i);
    /** Key of member i of an object; NULL when out of range or not an object. */
    const char *(*json_key_at)(const pivot_json *v, size_t i);

    /** Fills buf with len cryptographically secure random bytes; returns 0 or PIVOT_EIO. */
    int (*random_bytes)(void *buf, size_t len);

    /**
     * The dotted key of setting number `index` (0, 1, ...), or NULL
     * past the last one, for a plugin whose settings are keyed by name
     * ("storage.channels.<name>.path"). The order is stable for the life of
     * the process; read values with config_get.
     */
    const char *(*config_key_at)(size_t index);

    /**
     * Registers a named range for `{"type": "preset", "name": ...}`, only
     * from pivot_plugin_init, as the other register_* calls (0,
     * PIVOT_EEXIST when another plugin has a preset of that name,
     * PIVOT_EINVAL for a struct smaller than the first pivot_preset, a name
     * outside [A-Za-z0-9_.-]{1,64}, or no description or resolve).
     * Appended after the first version: a plugin that may meet an older
     * host tests PIVOT_HAS_MEMBER(host, pivot_host, register_preset) first.
     */
    int (*register_preset)(pivot_registry *reg, const struct pivot_preset *p);

    /**
     * The API keys every node of a cluster shares (auth.h), or NULL when the
     * server keeps no shared store (the embedded SQLite job store): the
     * auth plugin keeps its keys in its own file then. Appended after the
     * first version: test PIVOT_HAS_MEMBER(host, pivot_host, key_store) first.
     */
    const struct pivot_key_store *(*key_store)(void);
} pivot_host;

#ifdef __cplusplus
}
#endif

#endif
