/*
 * Direct chunk writes of the numeric datasets of a compressed export:
 * samples are gathered into whole chunks, compressed by the export's
 * threads (chunk_pool.h) and handed to HDF5 with H5Dwrite_chunk, already
 * shuffled and deflated as the dataset's filter pipeline declares, so that
 * HDF5's serial code only writes bytes. Strings and variable-length bytes
 * cannot be written so and stay on the normal path (hx_write_slab).
 */
#ifndef PIVOT_HDF5_DIRECT_CHUNKS_H
#define PIVOT_HDF5_DIRECT_CHUNKS_H

#include "hdf5_export.h"

/** Chunks larger than this stay on HDF5's path: every direct dataset holds one in memory. */
#define HX_DIRECT_CHUNK_MAX_BYTES (1024u * 1024)
/** Chunk buffers of one channel's direct datasets at most; the datasets past it go HDF5's path. */
#define HX_DIRECT_STAGE_BYTES (32u * 1024 * 1024)

/** One dataset written in direct chunks. */
typedef struct hx_direct {
    hid_t dset;           /**< borrowed */
    char *name;           /**< dataset name, owned, for messages */
    size_t elem_size;     /**< bytes of one element in the file */
    size_t src_size;      /**< bytes of one element as appended (larger for enum indices) */
    hsize_t chunk;        /**< elements per chunk */
    uint8_t *stage;       /**< the chunk being gathered, owned */
    size_t stage_cap;     /**< bytes at stage */
    hsize_t staged;       /**< elements in stage */
    hsize_t stage_offset; /**< the dataset element of stage[0] */
    hsize_t extent;       /**< the dataset's extent as set so far */
} hx_direct;

/**
 * Starts the export's compression threads when it compresses and
 * plugins.hdf5.compression_threads is not 0. Returns 0 or a PIVOT_E* code.
 */
int hx_direct_start(hx_export *x, char *err, size_t errlen);

/**
 * A direct writer for dataset dset (file_type, chunks of `chunk` elements)
 * of samples appended as `src_size`-byte elements, or NULL when the
 * dataset goes HDF5's path: no threads, a type written otherwise, a chunk
 * too large, the channel's budget spent, or out of memory.
 */
hx_direct *hx_direct_open(hx_export *x, hid_t dset, const char *name, hid_t file_type,
                          size_t src_size, hsize_t chunk);

/** Appends `count` samples of d->src_size bytes. Returns 0 or a PIVOT_E* code. */
int hx_direct_append(hx_export *x, hx_direct *d, const void *data, hsize_t count, char *err,
                     size_t errlen);

/**
 * Appends `count` samples at x->length to dset: through d when the
 * dataset has a direct writer, else with hx_write_slab (mem_type laid out
 * as mem_space). Returns 0 or a PIVOT_E* code.
 */
int hx_column_append(hx_export *x, hx_direct *d, hid_t dset, hid_t mem_type, hid_t mem_space,
                     const void *data, hsize_t count, const char *name, char *err, size_t errlen);

/**
 * Writes every sample of the channel: the partial last chunks, then every
 * chunk still in flight. Returns 0 or a PIVOT_E* code.
 */
int hx_direct_finish_channel(hx_export *x, char *err, size_t errlen);

/** Waits for the channel's chunks in flight and drops them and its writers, unwritten. */
void hx_direct_release_channel(hx_export *x);

/** Stops the export's compression threads (after hx_direct_release_channel). */
void hx_direct_stop(hx_export *x);

#endif
