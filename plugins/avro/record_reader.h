/*
 * Sequential reading of one file's records. The scan asks for the time of
 * each record first and for the requested fields only of the records it
 * keeps, so a decoder that skips what is not asked for can replace this
 * generic libavro implementation behind the same four functions.
 */
#ifndef PVA_RECORD_READER_H
#define PVA_RECORD_READER_H

#include "batch.h"
#include "ocf_blocks.h"
#include "record_schema.h"

typedef struct pva_record_reader pva_record_reader;

/**
 * Opens the file at `path` (named `name` in messages), whose writer schema
 * is `schema` (its header's, or for a header-less file the configured
 * version that fits; borrowed while the reader is open), with times stored
 * in units of ns_per_unit nanoseconds. Returns 0, or PIVOT_EIO with a
 * message naming the file.
 */
int pva_reader_open(const char *path, const char *name, const pva_schema *schema,
                    int64_t ns_per_unit, pva_record_reader **out, char *err, size_t errlen);

/**
 * Reads the next record and converts its time to nanoseconds. Returns 1 when
 * a record was read, 0 at the end of the file, or PIVOT_EIO with a message
 * naming the file when the rest of the file is unreadable.
 */
int pva_reader_next(pva_record_reader *r, int64_t *time_ns, char *err, size_t errlen);

/**
 * Copies field `field` (an index of the schema's flattened fields) of the
 * current record into row `row` of column `col` of `b`, whose type must be
 * the field's mapped type; a null stores the fill and, when the column has
 * a mask, marks the row null. Returns 0, PIVOT_EIO or PIVOT_ENOMEM.
 */
int pva_reader_fetch(pva_record_reader *r, size_t field, pva_batch *b, size_t col, size_t row,
                     char *err, size_t errlen);

/**
 * The block reader of a header-less file, whose damaged blocks are skipped
 * and counted as the compiled decoder does (pva_blocks_damage); NULL for an
 * OCF file, which libavro reads itself and whose damage ends it.
 */
const pva_ocf_blocks *pva_reader_blocks(const pva_record_reader *r);

/** Closes the file; NULL is accepted. */
void pva_reader_close(pva_record_reader *r);

#endif
