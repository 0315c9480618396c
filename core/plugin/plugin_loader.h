/*
 * Loads plugins: dlopen(RTLD_NOW | RTLD_LOCAL), check the magic the way
 * PostgreSQL checks PG_MODULE_MAGIC, call init, roll back on failure.
 */
#ifndef PV_PLUGIN_LOADER_H
#define PV_PLUGIN_LOADER_H

#include "registry.h"

/**
 * Loads one plugin file into reg. Returns 0, or a negative PIVOT_E* code with
 * a message naming the file and what is wrong ("ABI major version: server has 1,
 * library has 2"); a refused library is unloaded and leaves nothing behind.
 * The plugin must match host's ABI (host->abi_version, host->abi_minor):
 * the same major, a minor no newer.
 */
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

/** Unloads every plugin (in reverse order). */
void pv_plugin_unload_all(pv_registry *reg);

#endif
