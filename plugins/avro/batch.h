/*
 * The reusable buffers a scan fills and hands to the sink: one time array
 * and one array per requested signal, allocated once per scan, plus an arena
 * holding the characters of the batch's strings.
 */
#ifndef PVA_BATCH_H
#define PVA_BATCH_H

#include "avro_source.h"

/** Samples per batch. */
#define PVA_BATCH_CAPACITY 65536

/** One requested signal. */
typedef struct pva_batch_column {
    pivot_type type;     /**< element type of the file being read */
    void *values;        /**< PVA_BATCH_CAPACITY elements of at most 8 bytes */
    size_t *str_offsets; /**< strings: offsets into the arena, allocated on first use */
} pva_batch_column;

/** A batch being filled. */
typedef struct pva_batch {
    size_t count;              /**< samples filled */
    int64_t *time;             /**< PVA_BATCH_CAPACITY timestamps */
    size_t ncolumns;           /**< requested signals */
    pva_batch_column *columns; /**< ncolumns columns */
    pivot_column *out;         /**< what the sink sees, names borrowed from the request */
    char *arena;               /**< characters of this batch's strings */
    size_t arena_len;          /**< bytes used */
    size_t arena_cap;          /**< bytes allocated */
} pva_batch;

/** Allocates a batch for `names` (borrowed until pva_batch_free). Returns 0 or PIVOT_ENOMEM. */
int pva_batch_init(pva_batch *b, const char *const *names, size_t n);

/** Sets the element type of a column; only valid while the batch is empty. Returns 0 or ENOMEM. */
int pva_batch_set_type(pva_batch *b, size_t col, pivot_type type);

/** Stores a string of `len` bytes (no NUL needed) as row `row` of column `col`. */
int pva_batch_put_string(pva_batch *b, size_t col, size_t row, const char *s, size_t len);

/**
 * Stores the fill value of the column's type as row `row` of column `col`:
 * what a sample holds when its file has no such field (the channel's schema
 * gained the signal later). NaN for float32/float64, 0 for integers and
 * bool, "" for strings. Returns 0 or PIVOT_ENOMEM.
 */
int pva_batch_fill(pva_batch *b, size_t col, size_t row);

/** Hands a non-empty batch to the sink and empties it; returns the sink's value. */
int pva_batch_flush(pva_batch *b, const pivot_scan_sink *sink);

/** Releases the buffers; a zeroed batch is accepted. */
void pva_batch_free(pva_batch *b);

#endif
