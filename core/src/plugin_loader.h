/*
 * Loads plugins: dlopen(RTLD_NOW | RTLD_LOCAL), check the magic the way
 * PostgreSQL checks PG_MODULE_MAGIC, call init, roll back on failure.
 */
#ifndef PV_PLUGIN_LOADER_H
#define PV_PLUGIN_LOADER_H

#include "registry.h"

/**
 * Loads one plugin file into reg. Returns 0, or a negative PIVOT_E* code with
 * a message naming the file and what is wrong ("ABI version: server has 1,
 * library has 2"); a refused library is unloaded and leaves nothing behind.
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

/** Unloads every plugin (in reverse order). */
void pv_plugin_unload_all(pv_registry *reg);

#endif
