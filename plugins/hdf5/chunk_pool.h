/*
 * Compression threads for whole chunks, with a fixed ring of chunks in
 * flight. Chunks are submitted and handed back strictly in order; the
 * caller decides when it takes the oldest back, so when HDF5 is called (and
 * with it the file's layout) does not depend on how many threads there are
 * or how fast they are. Only the caller's thread calls HDF5.
 */
#ifndef PIVOT_HDF5_CHUNK_POOL_H
#define PIVOT_HDF5_CHUNK_POOL_H

#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/** Chunks in flight at most, whatever the number of threads (part of the file's layout). */
#define HX_POOL_SLOTS 16
/** Raw bytes in flight at most, unless one chunk is larger (then that chunk alone). */
#define HX_POOL_BYTES (4u * 1024 * 1024)

struct hx_direct;

/** One chunk: its raw bytes in, its compressed bytes out. */
typedef struct hx_chunk_job {
    /* Set by the submitter; the buffers are the slot's and are kept for reuse. */
    uint8_t *raw;
    size_t raw_cap;
    size_t raw_bytes;         /**< bytes of the whole chunk */
    size_t elem_size;         /**< bytes of one element, for the shuffle */
    struct hx_direct *column; /**< where the chunk goes */
    hsize_t offset;           /**< its first element in the dataset */
    hsize_t count;            /**< elements in it that hold samples (fewer in a last chunk) */
    /* Set by the thread that compressed it. */
    uint8_t *out;
    size_t out_cap;
    size_t out_bytes; /**< 0 when compression failed (out of memory) */
} hx_chunk_job;

typedef struct hx_pool hx_pool;

/**
 * Starts `threads` (1 or more) compression threads for deflate `level`.
 * Returns NULL with a message in err when they cannot be started.
 */
hx_pool *hx_pool_new(unsigned threads, unsigned level, char *err, size_t errlen);

/** Stops the threads once their current chunk is done and frees everything, done or not. */
void hx_pool_free(hx_pool *p);

/** Chunks submitted and not yet retired, and their raw bytes. */
size_t hx_pool_pending(const hx_pool *p);
size_t hx_pool_pending_bytes(const hx_pool *p);

/**
 * The free slot that the next hx_pool_submit hands out, with out_cap of at
 * least hx_codec_bound(raw_bytes) bytes; NULL when every slot is in flight
 * (retire the oldest first) or out of memory for `raw_bytes`.
 */
hx_chunk_job *hx_pool_slot(hx_pool *p, size_t raw_bytes);

/** Queues the slot hx_pool_slot returned, once its fields are set. */
void hx_pool_submit(hx_pool *p);

/** Waits until the oldest submitted chunk is compressed and returns it, or NULL when none. */
hx_chunk_job *hx_pool_oldest(hx_pool *p);

/** Frees the oldest chunk's slot (after hx_pool_oldest). */
void hx_pool_retire(hx_pool *p);

#endif
