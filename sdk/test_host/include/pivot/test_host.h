/*
 * A host for testing a plugin outside pivotd: the host table a plugin's
 * pivot_plugin_init receives, with settings the test chooses, a log the
 * test can read, the JSON accessors and random bytes of the real host, and
 * whatever the plugin registers kept for the test to call.
 *
 *     pivot_test_host_set("plugins.site_shifts.timezone", "America/New_York");
 *     if (pivot_test_host_load(pivot_plugin_init, err, sizeof(err)) != 0) ...
 *     const pivot_timespec_parser *p = pivot_test_host_timespec("shift");
 *     p->resolve(pivot_test_host_json("{\"type\": \"shift\", \"name\": \"a\"}"), now, &r, err, n);
 *
 * One test host per process (the host table's callbacks carry no context,
 * as in pivotd); not thread-safe: set up from one thread, then call the
 * plugin as pivotd would. Link Pivot::test_host.
 */
#ifndef PIVOT_TEST_HOST_H
#define PIVOT_TEST_HOST_H

#include <pivot/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Forgets every setting, registration, parsed JSON value and log line. */
void pivot_test_host_reset(void);

/** Sets what config_get(key) returns (NULL unsets it); keys are listed by config_key_at in
 * the order first set. Returns 0 or PIVOT_ENOMEM. */
int pivot_test_host_set(const char *key, const char *value);

/** Log lines of level or more severe (ERROR < WARNING < INFO < DEBUG) also go to standard
 * error; by default none do. */
void pivot_test_host_echo_log(pivot_log_level level);
/** The last line the plugin logged, "" when none. */
const char *pivot_test_host_last_log(void);

/**
 * Presents the host table as an older host's, whose table ends at size bytes
 * (e.g. offsetof(pivot_host, register_preset)), to test that the plugin
 * checks PIVOT_HAS_MEMBER before using a later member; 0 restores the whole
 * table. Not undone by reset.
 */
void pivot_test_host_table_size(size_t size);

/** The host table, as pivotd of this SDK builds it. */
const pivot_host *pivot_test_host(void);

/** Calls init (a plugin's pivot_plugin_init linked into the test) with the host table; returns
 * what it returned, with its message in err. */
int pivot_test_host_load(pivot_init_fn init, char *err, size_t errlen);

/**
 * Opens the plugin file at path (which stays loaded) and calls its
 * pivot_plugin_init. *magic (when magic is not NULL) receives its
 * pivot_plugin_magic(), NULL when it has none. Returns what init returned,
 * PIVOT_EIO when the file cannot be opened or PIVOT_ENOTSUP when it has no
 * pivot_plugin_init, with the reason in err.
 */
int pivot_test_host_load_file(const char *path, const pivot_magic **magic, char *err,
                              size_t errlen);

/** Providers registered since the last reset, of every kind. */
size_t pivot_test_host_registrations(void);

/* A registered provider by name (type for a time-range parser), or the last
 * one registered of that kind when name is NULL; NULL when there is none. */
const pivot_source *pivot_test_host_source(const char *name);
const pivot_exporter *pivot_test_host_exporter(const char *name);
const pivot_timespec_parser *pivot_test_host_timespec(const char *type);
const pivot_auth_backend *pivot_test_host_auth(const char *name);
const pivot_preset *pivot_test_host_preset(const char *name);

/** Parses JSON text into a value for the plugin's callbacks, kept until the next reset; NULL
 * when the text is not JSON. */
const pivot_json *pivot_test_host_json(const char *text);

#ifdef __cplusplus
}
#endif

#endif
