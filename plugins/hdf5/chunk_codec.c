/*
 * Shuffle + deflate of one chunk with libdeflate, whole buffer to whole
 * buffer: 2-3x zlib's speed at level 1, and zlib format so that any
 * zlib-based reader (HDF5's deflate filter) inflates it.
 */
#include "chunk_codec.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

struct hx_codec {
    struct libdeflate_compressor *deflate;
    uint8_t *shuffled; /* the chunk after shuffling, owned */
    size_t shuffled_cap;
};

hx_codec *hx_codec_new(unsigned level)
{
    hx_codec *c = calloc(1, sizeof(*c));

    if (c == NULL)
        goto out;
    c->deflate = libdeflate_alloc_compressor((int)level);
    if (c->deflate == NULL) {
        free(c);
        c = NULL;
    }
out:
    return c;
}

void hx_codec_free(hx_codec *c)
{
    if (c == NULL)
        return;
    libdeflate_free_compressor(c->deflate);
    free(c->shuffled);
    free(c);
}

size_t hx_codec_bound(size_t raw_bytes)
{
    return libdeflate_zlib_compress_bound(NULL, raw_bytes);
}

void hx_shuffle(const uint8_t *in, uint8_t *out, size_t nelems, size_t elem_size)
{
    /* Written per byte plane so that the common sizes get a constant stride. */
    for (size_t b = 0; b < elem_size; b++) {
        uint8_t *plane = out + b * nelems;
        const uint8_t *from = in + b;

        for (size_t i = 0; i < nelems; i++)
            plane[i] = from[i * elem_size];
    }
}

size_t hx_codec_compress(hx_codec *c, const uint8_t *raw, size_t raw_bytes, size_t elem_size,
                         uint8_t *out, size_t out_cap)
{
    const uint8_t *in = raw;
    size_t written = 0;

    /* HDF5's shuffle leaves one-byte elements, and a trailing partial element, as they are. */
    if (elem_size > 1 && raw_bytes >= elem_size) {
        if (c->shuffled_cap < raw_bytes) {
            uint8_t *grown = realloc(c->shuffled, raw_bytes);

            if (grown == NULL)
                goto out;
            c->shuffled = grown;
            c->shuffled_cap = raw_bytes;
        }
        hx_shuffle(raw, c->shuffled, raw_bytes / elem_size, elem_size);
        memcpy(c->shuffled + raw_bytes / elem_size * elem_size,
               raw + raw_bytes / elem_size * elem_size, raw_bytes % elem_size);
        in = c->shuffled;
    }
    written = libdeflate_zlib_compress(c->deflate, in, raw_bytes, out, out_cap);
out:
    return written;
}
