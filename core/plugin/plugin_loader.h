/*
 * Loads plugins: dlopen(RTLD_NOW | RTLD_LOCAL), check the magic the way
 * PostgreSQL checks PG_MODULE_MAGIC, call init, roll back on failure.
 *
 * Plugins are never unloaded: once a library's init has run, it stays
 * mapped until the process exits (see <pivot/plugin.h> for why). Only a
 * library refused before its init ran (wrong magic, a name already loaded)
 * is closed again.
 */
#ifndef PV_PLUGIN_LOADER_H
#define PV_PLUGIN_LOADER_H

#include "registry.h"

/**
 * Opens one plugin file and checks its magic against host's ABI (the same
 * major), without running its init. On success *out holds the handle, the
 * magic, the path and the file's identity; start it with pv_plugin_start or
 * give it up with pv_plugin_discard. Otherwise returns a negative PIVOT_E*
 * code with a message naming the file and what is wrong ("incompatible
 * plugin ABI major version: server has 1, library has 2").
 */
int pv_plugin_open(const pivot_host *host, const char *path, pv_plugin *out, char *err,
                   size_t errlen);

/** Closes a plugin opened by pv_plugin_open whose init never ran. */
void pv_plugin_discard(pv_plugin *p);

/**
 * Runs the init of an opened plugin, registering into reg. Returns 0, or a
 * negative PIVOT_E* code with a message naming the file and the plugin's
 * own reason (the message init wrote, or why a registration was refused);
 * then everything it registered is forgotten, and the library stays mapped.
 * A plugin whose name is already loaded is refused and closed before init.
 */
int pv_plugin_start(pv_registry *reg, const pivot_host *host, pv_plugin *p, char *err,
                    size_t errlen);

/** pv_plugin_open, then pv_plugin_start. */
int pv_plugin_load(pv_registry *reg, const pivot_host *host, const char *path, char *err,
                   size_t errlen);

/**
 * Loads every *.so in dir, in name order. A library that fails to load is an
 * error for the whole call (a server must not start half-equipped): returns
 * the first failure with its message.
 */
int pv_plugin_load_dir(pv_registry *reg, const pivot_host *host, const char *dir, char *err,
                       size_t errlen);

/**
 * Lists the plugin files of dir (every *.so not starting with a dot) as
 * paths "dir/name", sorted by name. On success *paths (release it with
 * pv_plugin_free_names) holds *count entries; otherwise returns a negative
 * PIVOT_E* code with a message.
 */
int pv_plugin_list_dir(const char *dir, char ***paths, size_t *count, char *err, size_t errlen);

/** Releases what pv_plugin_list_dir returned. */
void pv_plugin_free_names(char **names, size_t n);

/**
 * Reads the identity of the file at path (device, inode, size, modification
 * time). Returns 0, or PIVOT_ENOENT with errno's message (strerror) in err.
 */
int pv_plugin_file_identity(const char *path, pv_plugin_file *out, char *err, size_t errlen);

/** True when a and b are the same file, unchanged. */
int pv_plugin_file_same(const pv_plugin_file *a, const pv_plugin_file *b);

#endif
