/*
 * Channel names and the directories they map to. A channel name is checked
 * before any file system access, and its resolved directory must stay inside
 * the data directory even when it is a symbolic link.
 */
#ifndef PVA_CHANNEL_DIR_H
#define PVA_CHANNEL_DIR_H

#include "avro_source.h"

/** Returns 1 when name matches [A-Za-z0-9][A-Za-z0-9_.-]* and holds no "..", else 0. */
int pva_channel_name_valid(const char *name);

/** Returns 1 when the resolved `path` lies strictly below the folder `dir` (n bytes long). */
int pva_path_below(const char *dir, size_t n, const char *path);

/** Returns 1 when the resolved `path` lies strictly below the instance's data directory. */
int pva_path_inside(const pva_instance *inst, const char *path);

/**
 * The folder <data_dir>/<name> of a channel of the default layout, as a
 * malloc'd real path in *dir when it is a directory inside the data
 * directory (a link may not lead out), else NULL. Returns 0 or PIVOT_ENOMEM.
 */
int pva_data_dir_channel(const pva_instance *inst, const char *name, char **dir);

#endif
