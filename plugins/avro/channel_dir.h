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

/** Returns 1 when the resolved `path` lies strictly below the instance's data directory. */
int pva_path_inside(const pva_instance *inst, const char *path);

/**
 * Resolves the directory of `channel`. Returns 0 and a malloc'd real path in
 * *dir (the caller frees it), PIVOT_EINVAL for a malformed name (checked
 * before the file system is touched), PIVOT_ENOENT when there is no such
 * directory inside the data directory, or PIVOT_ENOMEM.
 */
int pva_channel_dir(const pva_instance *inst, const char *channel, char **dir, char *err,
                    size_t errlen);

#endif
