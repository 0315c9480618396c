/* Whole-block inflate of Avro's deflate codec; see block_inflate.h. */
#include "block_inflate.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct pva_inflater {
    struct libdeflate_decompressor *fast; /* NULL: zlib */
    z_stream zs;
    int zs_ready;
};

pva_inflater *pva_inflater_new(void)
{
    const char *mode = getenv(PVA_INFLATE_ENV);
    pva_inflater *z = calloc(1, sizeof(*z));

    if (z == NULL)
        goto out;
    if (mode != NULL && strcmp(mode, "zlib") == 0) {
        /* Avro's deflate is raw (RFC 1951): no zlib header, no checksum. */
        z->zs_ready = inflateInit2(&z->zs, -MAX_WBITS) == Z_OK;
    } else {
        z->fast = libdeflate_alloc_decompressor();
    }
    if (z->fast == NULL && !z->zs_ready) {
        free(z);
        z = NULL;
    }
out:
    return z;
}

void pva_inflater_free(pva_inflater *z)
{
    if (z == NULL)
        return;
    if (z->fast != NULL)
        libdeflate_free_decompressor(z->fast);
    if (z->zs_ready)
        inflateEnd(&z->zs);
    free(z);
}

/* Doubles *out up to max (a first size from the compressed length). 0, or -1 at max. */
static int grow(size_t len, uint8_t **out, size_t *out_cap, size_t max)
{
    size_t ncap = *out_cap ? *out_cap * 2 : (len * 4 > 65536 ? len * 4 : 65536);
    uint8_t *grown;

    if (*out_cap >= max)
        return -1;
    if (ncap > max)
        ncap = max;
    grown = realloc(*out, ncap);
    if (grown == NULL)
        return -1;
    *out = grown;
    *out_cap = ncap;
    return 0;
}

/* libdeflate wants room for the whole block: blocks of a file are alike, so
 * the buffer of the last one nearly always fits and is grown only at first. */
static long inflate_fast(pva_inflater *z, const uint8_t *in, size_t len, uint8_t **out,
                         size_t *out_cap, size_t max)
{
    enum libdeflate_result res;
    size_t actual;

    if (*out == NULL && grow(len, out, out_cap, max) != 0)
        return -1;
    for (;;) {
        res = libdeflate_deflate_decompress(z->fast, in, len, *out, *out_cap, &actual);
        if (res == LIBDEFLATE_SUCCESS)
            return (long)actual;
        if (res != LIBDEFLATE_INSUFFICIENT_SPACE || grow(len, out, out_cap, max) != 0)
            return -1;
    }
}

static long inflate_zlib(pva_inflater *z, const uint8_t *in, size_t len, uint8_t **out,
                         size_t *out_cap, size_t max)
{
    int zrc;

    if (inflateReset(&z->zs) != Z_OK)
        return -1;
    z->zs.next_in = (Bytef *)in;
    z->zs.avail_in = (uInt)len;
    z->zs.total_out = 0;
    for (;;) {
        if (*out_cap - z->zs.total_out == 0 || *out == NULL) {
            if (grow(len, out, out_cap, max) != 0)
                return -1;
        }
        z->zs.next_out = *out + z->zs.total_out;
        z->zs.avail_out = (uInt)(*out_cap - z->zs.total_out);
        zrc = inflate(&z->zs, Z_FINISH);
        if (zrc == Z_STREAM_END)
            return (long)z->zs.total_out;
        /* Z_BUF_ERROR with output room left means the input ran out. */
        if ((zrc != Z_OK && zrc != Z_BUF_ERROR) || (z->zs.avail_out > 0 && z->zs.avail_in == 0))
            return -1;
    }
}

long pva_inflate(pva_inflater *z, const uint8_t *in, size_t len, uint8_t **out, size_t *out_cap,
                 size_t max)
{
    return z->fast != NULL ? inflate_fast(z, in, len, out, out_cap, max)
                           : inflate_zlib(z, in, len, out, out_cap, max);
}
