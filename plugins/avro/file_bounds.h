/*
 * What one data file holds, found from its two ends: its kind, the schema
 * it was written with, the unit of its time, and the times of its first and
 * last whole records. The scan prunes and orders files by these bounds, and
 * span and describe answer from them; they are cached per instance, keyed
 * by the file's identity (device, inode, size, modification time), so a
 * file is looked at again only when it changed.
 */
#ifndef PVA_FILE_BOUNDS_H
#define PVA_FILE_BOUNDS_H

#include "channel.h"
#include "file_list.h"
#include "ocf_blocks.h"
#include "time_unit.h"

typedef struct pva_bounds {
    int usable; /**< holds at least one whole record that can be decoded */
    pva_file_kind kind;
    int version;                     /**< header-less: the index of the fitting schema version */
    int64_t ns_per_unit;             /**< the unit of its time values */
    pva_unit_source unit_source;     /**< how that unit was found */
    int64_t first_ns, last_ns;       /**< times of the first and last whole records */
    double rate_hz;                  /**< from the spacing of its first records; 0 if unknown */
    int being_written;               /**< not usable, but only as a file a relay has just begun */
    char problem[PIVOT_ERRMSG_SIZE]; /**< when not usable: why, naming the file; "" when empty */
} pva_bounds;

/**
 * The bounds of every file of `files` (a listing of channel ch) into *out,
 * files->count entries the caller frees: from the instance's cache where
 * a file and the channel's configuration have not changed, else read from
 * the file. The cache then holds exactly this listing. Returns 0 or
 * PIVOT_ENOMEM.
 */
int pva_bounds_all(pva_instance *inst, const pva_channel *ch, const pva_file_list *files,
                   pva_bounds **out);

/** The time unit of a file with `schema` whose first time value is `first_raw`. */
void pva_bounds_unit(const pva_channel *ch, const pva_schema *schema, int64_t first_raw,
                     int64_t *ns_per_unit, pva_unit_source *source);

/** Releases an instance's cache. */
void pva_bounds_cache_free(pva_instance *inst);

#endif
