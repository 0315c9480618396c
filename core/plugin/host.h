/* The pivot_host table pivotd hands to its plugins. */
#ifndef PV_HOST_H
#define PV_HOST_H

#include "config.h"
#include "registry.h"

/**
 * Returns the host table, with config_get reading cfg (borrowed: it must
 * outlive every plugin). Call once at start, before loading plugins.
 */
const pivot_host *pv_host_init(const pv_config *cfg);

/**
 * Writes the job store's path (<state_dir>/jobs.db) into out: what plugins
 * read as config_get("job_store") (set by pv_host_init). Returns 0 or
 * PIVOT_ERANGE.
 */
int pv_host_job_store_path(const pv_config *cfg, char *out, size_t len);

/** Fills buf with len bytes from the kernel's CSPRNG; 0 or PIVOT_EIO. */
int pv_host_random_bytes(void *buf, size_t len);

/** Writes cfg's plugin directory (or the default, ../lib/pivot next to the executable) into dir. */
int pv_host_plugin_dir(const pv_config *cfg, char *dir, size_t len, char *err, size_t errlen);

/** Loads the plugins of cfg's plugin directory (or the default next to exe). */
int pv_host_load_plugins(pv_registry *reg, const pv_config *cfg, char *err, size_t errlen);

/**
 * Gives plugins the shared API key store (host.h's key_store), or NULL;
 * set before the plugins load, by the commands that know the job store.
 */
void pv_host_set_key_store(const struct pivot_key_store *keys);

#endif
