/*
 * One plugin set per server. `pivotd serve` records the files it loaded,
 * each with its identity (device, inode, size, modification time), in
 * <state_dir>/plugins.loaded; its workers load exactly those files and
 * refuse to run a job when one of them is no longer the same file, so that
 * a server and its workers never run different plugins. A file added or
 * changed in the plugin directory takes effect when the server restarts.
 */
#ifndef PV_PLUGIN_SET_H
#define PV_PLUGIN_SET_H

#include "registry.h"

#include <sys/types.h>

/** The record's name in the state directory. */
#define PV_PLUGIN_SET_NAME "plugins.loaded"

/** One recorded plugin file. */
typedef struct pv_plugin_set_entry {
    char path[512];
    pv_plugin_file file;
} pv_plugin_set_entry;

/**
 * Writes the files of reg's plugins, with their identities and this
 * process's pid, to path (atomically: a temporary file renamed). Returns 0,
 * or PIVOT_EIO with a message.
 */
int pv_plugin_set_write(const pv_registry *reg, const char *path, char *err, size_t errlen);

/**
 * Reads the record at path: *entries (free it) holds *n files, *pid the
 * server that wrote it. Returns 0, PIVOT_ENOENT when there is no record, or
 * PIVOT_EIO / PIVOT_EINVAL with a message.
 */
int pv_plugin_set_read(const char *path, pv_plugin_set_entry **entries, size_t *n, pid_t *pid,
                       char *err, size_t errlen);

/**
 * Loads exactly the files recorded at path into reg, each only if it is
 * still the file the server loaded. Returns 0, or a negative PIVOT_E* code
 * with a message; a file replaced or modified since gives "the plugin set
 * changed since the server started: ...; restart pivotd serve to use the
 * plugins now installed".
 */
int pv_plugin_set_load(pv_registry *reg, const pivot_host *host, const char *path, char *err,
                       size_t errlen);

#endif
