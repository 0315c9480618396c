/*
 * The reusable buffers a scan fills and hands to the sink: one time array
 * and one array per requested signal, allocated once per scan, a validity
 * mask for each nullable signal, plus an arena holding the characters of
 * the batch's strings and the bytes of its bytes values.
 */
#ifndef PVA_BATCH_H
#define PVA_BATCH_H

#include "avro_source.h"

/** Samples per batch. */
#define PVA_BATCH_CAPACITY 65536

/** One requested signal. */
typedef struct pva_batch_column {
    pivot_type type;     /**< element type of the file being read */
    void *values;        /**< PVA_BATCH_CAPACITY elements of `width` bytes */
    size_t width;        /**< bytes allocated per element: 8, or 16 once it held pivot_bytes */
    size_t *str_offsets; /**< strings and bytes: offsets into the arena, allocated on first use */
    uint8_t *valid;      /**< nullable signals: 1 where the sample has a value; else NULL */
} pva_batch_column;

/** A batch being filled. */
typedef struct pva_batch {
    size_t count;              /**< samples filled */
    int64_t *time;             /**< PVA_BATCH_CAPACITY timestamps */
    size_t ncolumns;           /**< requested signals */
    pva_batch_column *columns; /**< ncolumns columns */
    pivot_column *out;         /**< what the sink sees, names borrowed from the request */
    const uint8_t **valid;     /**< what the sink sees as masks, NULL while no column has one */
    uint8_t *arena;            /**< characters of this batch's strings, bytes of its bytes */
    size_t arena_len;          /**< bytes used */
    size_t arena_cap;          /**< bytes allocated */
} pva_batch;

/** Allocates a batch for `names` (borrowed until pva_batch_free). Returns 0 or PIVOT_ENOMEM. */
int pva_batch_init(pva_batch *b, const char *const *names, size_t n);

/**
 * Gives column `col` a validity mask, for a signal that is nullable in the
 * channel's newest schema; only valid while the batch is empty. Returns 0
 * or PIVOT_ENOMEM.
 */
int pva_batch_set_nullable(pva_batch *b, size_t col);

/** Sets the element type of a column; only valid while the batch is empty. Returns 0 or ENOMEM. */
int pva_batch_set_type(pva_batch *b, size_t col, pivot_type type);

/** Stores a string of `len` bytes (no NUL needed) as row `row` of column `col`. */
int pva_batch_put_string(pva_batch *b, size_t col, size_t row, const char *s, size_t len);

/** Stores `len` bytes as row `row` of the PIVOT_TYPE_BYTES column `col`. */
int pva_batch_put_bytes(pva_batch *b, size_t col, size_t row, const uint8_t *data, size_t len);

/**
 * Stores the fill value of the column's type as row `row` of column `col`,
 * and marks the row null when the column has a mask: what a null sample
 * holds, and a sample whose file has no such field (the channel's schema
 * gained the signal later). NaN for float32/float64, 0 for integers, bool
 * and enum indexes, "" for strings, no bytes for bytes. Returns 0 or
 * PIVOT_ENOMEM.
 */
int pva_batch_fill(pva_batch *b, size_t col, size_t row);

/** Marks row `row` of column `col` as holding a value, when the column has a mask. */
static inline void pva_batch_set_valid(pva_batch *b, size_t col, size_t row)
{
    if (b->columns[col].valid != NULL)
        b->columns[col].valid[row] = 1;
}

/** Hands a non-empty batch to the sink and empties it; returns the sink's value. */
int pva_batch_flush(pva_batch *b, const pivot_scan_sink *sink);

/** Releases the buffers; a zeroed batch is accepted. */
void pva_batch_free(pva_batch *b);

#endif
