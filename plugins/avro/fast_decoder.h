/*
 * A record decoder compiled from the writer schema at the start of each
 * file: one step per field, saying how to read it and which batch column (if
 * any) receives it. It decodes a block's bytes straight into the batch,
 * several times faster than libavro's generic values. It handles every
 * field the schema parse understands: the signal types, nullable ones, the
 * fields of nested records, and any other type by skipping its values; only
 * a schema with a type it cannot follow makes compiling fail, and the scan
 * then uses the libavro reader.
 */
#ifndef PVA_FAST_DECODER_H
#define PVA_FAST_DECODER_H

#include "batch.h"
#include "record_schema.h"

#include <stdint.h>

/** How a field is encoded. */
typedef enum pva_step_kind {
    PVA_STEP_INT,
    PVA_STEP_LONG,
    PVA_STEP_FLOAT,
    PVA_STEP_DOUBLE,
    PVA_STEP_BOOL,
    PVA_STEP_STRING,
    PVA_STEP_ENUM,  /**< an int, the symbol index; `arg` is the number of symbols */
    PVA_STEP_BYTES, /**< length-prefixed bytes */
    PVA_STEP_FIXED, /**< `arg` bytes */
    PVA_STEP_VALUE  /**< a value of any type, skipped by its node `arg` of the skip graph */
} pva_step_kind;

/** Where a decoded field goes. */
#define PVA_STEP_SKIP (-1) /**< decoded and dropped */
#define PVA_STEP_TIME (-2) /**< the time column */

/** pva_step.flags: a union with "null", whose branch index precedes the value. */
#define PVA_STEP_NULLABLE 1
/** pva_step.flags: the column has a validity mask, set for every record. */
#define PVA_STEP_MASKED 2

/** One field of the record (nested records flattened). */
typedef struct pva_step {
    pva_step_kind kind;
    int32_t column;      /**< batch column, PVA_STEP_SKIP or PVA_STEP_TIME */
    uint8_t flags;       /**< PVA_STEP_NULLABLE, PVA_STEP_MASKED; 0 for the common case */
    uint8_t null_branch; /**< the branch index that means null (the row gets the fill) */
    uint32_t arg;        /**< enum: number of symbols; fixed: size; value: skip graph node */
} pva_step;

/** A compiled record decoder. */
typedef struct pva_decoder {
    const pva_type_graph *types; /**< the schema's skip graph, borrowed */
    pva_step *steps;             /**< one per field of the schema, in encoding order */
    size_t nsteps;               /**< number of fields */
    size_t *fill;                /**< batch columns the file has no field for */
    size_t nfill;                /**< number of entries in fill */
    int64_t time_ns_per_unit;    /**< from the schema's time logical type */
} pva_decoder;

/**
 * Compiles the decoder of `schema` (borrowed while the decoder is used) for
 * a scan that wants field field_of[i] in column i of `b`, whose types and
 * masks must be set; a column whose field_of is PVA_FIELD_ABSENT receives
 * the batch's fill value (pva_batch_fill) in every record. Returns 0,
 * PIVOT_ENOTSUP when the schema has a type the decoder cannot follow, or
 * PIVOT_ENOMEM.
 */
int pva_decoder_compile(const pva_schema *schema, const size_t *field_of, size_t nsignals,
                        const pva_batch *b, pva_decoder *out);

/**
 * Decodes the `count` records of one block into the batch, keeping those
 * with range.start_ns <= time < range.end_ns and flushing the batch to the
 * sink whenever it is full. Sets *past_end when a record at or past the end
 * of the range was met (records are time-ordered: the rest of the file can
 * be skipped). Returns 0, the sink's non-zero value, PIVOT_ENOMEM, or
 * PIVOT_EIO with a message when the block's bytes are malformed (the records
 * before the bad one are kept).
 */
int pva_decoder_block(const pva_decoder *d, const uint8_t *data, size_t len, int64_t count,
                      pivot_range range, pva_batch *b, const pivot_scan_sink *sink, int *past_end,
                      char *err, size_t errlen);

/**
 * Reads only the time of the first record of a block. Returns 0, or -1 when
 * the bytes are malformed.
 */
int pva_decoder_first_time(const pva_decoder *d, const uint8_t *data, size_t len, int64_t *time_ns);

/**
 * Steps through the `count` records of a block without storing them: 0
 * when they are well-formed and take exactly its `len` bytes (the check
 * that a schema is the one the block was written with), with the time of
 * the first and the last record as stored (not converted); -1 otherwise.
 */
int pva_decoder_walk(const pva_decoder *d, const uint8_t *data, size_t len, int64_t count,
                     int64_t *first, int64_t *last);

/** Releases a decoder; a zeroed one is accepted. */
void pva_decoder_free(pva_decoder *d);

#endif
