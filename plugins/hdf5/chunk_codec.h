/*
 * One chunk's bytes as HDF5's filter pipeline stores them when a dataset
 * declares shuffle then deflate: the shuffled bytes in zlib format, which
 * HDF5's own deflate filter (zlib) reads back. Called from the compression
 * threads: nothing here touches HDF5.
 */
#ifndef PIVOT_HDF5_CHUNK_CODEC_H
#define PIVOT_HDF5_CHUNK_CODEC_H

#include <stddef.h>
#include <stdint.h>

/** A compressor of one level with its shuffle buffer; one per thread. */
typedef struct hx_codec hx_codec;

/** A compressor for deflate level 1..9, or NULL when out of memory. */
hx_codec *hx_codec_new(unsigned level);

void hx_codec_free(hx_codec *c);

/** The most bytes hx_codec_compress may produce from `raw_bytes` bytes. */
size_t hx_codec_bound(size_t raw_bytes);

/**
 * Shuffles `raw_bytes` bytes of elements of `elem_size` bytes (HDF5's
 * shuffle filter: byte 0 of every element, then byte 1, ...) and deflates
 * them in zlib format into out, which holds hx_codec_bound(raw_bytes).
 * Returns the bytes written, or 0 when out of memory.
 */
size_t hx_codec_compress(hx_codec *c, const uint8_t *raw, size_t raw_bytes, size_t elem_size,
                         uint8_t *out, size_t out_cap);

/** HDF5's shuffle of `nelems` elements of `elem_size` bytes from in to out. */
void hx_shuffle(const uint8_t *in, uint8_t *out, size_t nelems, size_t elem_size);

#endif
