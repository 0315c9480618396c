/*
 * A channel as one call of the source sees it: its folder, the schema
 * versions its header-less files are decoded with, and the unit of its time
 * when the configuration names one.
 */
#ifndef PVA_CHANNEL_H
#define PVA_CHANNEL_H

#include "avro_source.h"
#include "record_schema.h"
#include "site_config.h"

typedef struct pva_channel {
    const char *name;            /**< borrowed from the caller */
    char *dir;                   /**< real path of its folder; NULL while it has none */
    pva_schema *versions;        /**< parsed schema versions, oldest first */
    char **version_names;        /**< their file names, for messages */
    size_t nversions;            /**< 0 when no configuration names a schema */
    pva_schema_origin origin;    /**< where the versions came from */
    int64_t ns_per_unit;         /**< storage.channels.<name>.time_unit, 0 when not set */
    int64_t default_ns_per_unit; /**< storage.time_unit, for schemas without a logical type; 0 */
    int configured;              /**< the configuration names the channel */
    uint64_t fingerprint; /**< of the versions' texts and the units: what file bounds depend on */
    char search[400];     /**< where a schema was looked for, when none was found */
} pva_channel;

/**
 * Resolves `name`: its folder (storage.channels.<name>.path, else
 * <data_dir>/<name>, which must stay inside the data directory) and its
 * schema versions. Returns 0; PIVOT_EINVAL for a malformed name (checked
 * before the file system is touched) or a schema file that cannot be read
 * (message in err, without the channel's name, which the caller adds);
 * PIVOT_ENOENT when neither a folder nor the configuration knows the
 * channel; or PIVOT_ENOMEM. Release with pva_channel_close.
 */
int pva_channel_open(pva_instance *inst, const char *name, pva_channel *ch, char *err,
                     size_t errlen);

/** Releases what pva_channel_open allocated; a zeroed channel is accepted. */
void pva_channel_close(pva_channel *ch);

#endif
