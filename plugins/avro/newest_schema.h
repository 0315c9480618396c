/*
 * A channel's newest schema: what describe offers and what a scan resolves
 * every file to (a signal an older file lacks reads as its fill value). It
 * is the newest configured version; for a channel of object container
 * files only, the header of its newest file.
 */
#ifndef PVA_NEWEST_SCHEMA_H
#define PVA_NEWEST_SCHEMA_H

#include "channel.h"
#include "file_bounds.h"
#include "file_list.h"

/**
 * Loads the channel's newest schema into *out (empty when the channel has
 * none yet) and where it came from into *origin. When its files cannot be
 * used (header-less files but no schema, or no readable file), *out stays
 * empty and `problem` says why. Returns 0, PIVOT_EINVAL with a message when
 * the schema has no usable time field, or PIVOT_ENOMEM.
 */
int pva_newest_schema(const pva_channel *ch, const pva_file_list *files, const pva_bounds *bounds,
                      pva_schema *out, pva_schema_origin *origin, char *problem, size_t len);

#endif
