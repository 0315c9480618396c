/*
 * Inflating the blocks of deflate-coded Avro files: raw deflate (RFC 1951),
 * one whole block at a time, with libdeflate (about 2-3x zlib); zlib's
 * streaming inflate stays as the path before, for comparison.
 */
#ifndef PVA_BLOCK_INFLATE_H
#define PVA_BLOCK_INFLATE_H

#include <stddef.h>
#include <stdint.h>

/** Environment variable that selects zlib's inflate ("zlib"), for measurements. */
#define PVA_INFLATE_ENV "PIVOT_AVRO_INFLATE"

typedef struct pva_inflater pva_inflater;

/** An inflater (libdeflate, or zlib when PVA_INFLATE_ENV says so), or NULL when out of memory. */
pva_inflater *pva_inflater_new(void);

void pva_inflater_free(pva_inflater *z);

/**
 * Inflates the raw deflate stream of `len` bytes at `in` into *out, grown
 * (*out_cap bytes) as needed up to `max` bytes. Returns the inflated size,
 * or -1 when the stream is corrupt, cut short, larger than max, or memory
 * runs out.
 */
long pva_inflate(pva_inflater *z, const uint8_t *in, size_t len, uint8_t **out, size_t *out_cap,
                 size_t max);

#endif
