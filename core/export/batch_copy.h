/*
 * Element sizes of the column types, and batches that own their memory. A
 * source's batch is borrowed for one sink call only, so a batch that has to
 * outlive the call (queued by a decoder thread for the writer) is copied
 * whole: times, columns, the strings and bytes they point to, and the
 * validity masks of nullable columns.
 */
#ifndef PV_BATCH_COPY_H
#define PV_BATCH_COPY_H

#include <pivot/plugin.h>

/**
 * Bytes per element of a column of type t: 8 for a string (the pointer),
 * sizeof(pivot_bytes) for bytes, 4 for an enum (the symbol index).
 */
size_t pv_batch_type_size(pivot_type t);

/**
 * A copied batch and the buffers behind it, reused from one copy to the
 * next so that they grow to the largest batch and stay there. Start from
 * all zeros; release with pv_batch_copy_free.
 */
typedef struct pv_batch_copy {
    /** The copy: columns, strings, bytes and masks all point into the buffers below. */
    pivot_batch batch;
    pivot_column *columns;
    size_t columns_cap;
    const uint8_t **valid; /* ncolumns entries, NULL for columns without a mask */
    size_t valid_cap;
    unsigned char *buf; /* times, column data, string and bytes contents, masks */
    size_t buf_cap;
} pv_batch_copy;

/**
 * Copies b into c, replacing the previous copy. nullable is NULL or holds
 * one flag per column of b: only a column whose flag is set has its mask
 * read from b->valid, and copied when present. The copy's `valid` is
 * NULL when no column has a mask. Bytes elements of length 0 are copied with
 * a NULL data pointer. Returns 0, or PIVOT_ENOMEM with c->batch left empty
 * (no rows, no columns).
 */
int pv_batch_copy_from(pv_batch_copy *c, const pivot_batch *b, const int *nullable);

/** Frees the buffers of c and zeroes it; a zeroed c is accepted. */
void pv_batch_copy_free(pv_batch_copy *c);

#endif
