/*
 * Object container files read with read() through one buffer that holds at
 * least a whole block: memory stays at about the size of the largest block,
 * whatever the size of the file. Compressed blocks (deflate, snappy) are
 * uncompressed into a second buffer of the same kind.
 */
#include "ocf_blocks.h"

#include <errno.h>
#include <fcntl.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Bytes asked of each read(); blocks larger than this grow the buffer. */
#define READ_CHUNK (1024 * 1024)
/* Bounds that keep a damaged file from causing a huge allocation. */
#define MAX_BLOCK_BYTES (256 * 1024 * 1024)
#define MAX_INFLATED_BYTES (256 * 1024 * 1024)
#define SYNC_SIZE 16
/* Bytes of the next block kept in memory with the current one, for peeking. */
#define PEEK_BYTES 256

struct pva_ocf_blocks {
    const char *path;
    int fd;
    int eof; /* read() returned 0 */
    pva_codec codec;
    uint8_t sync[SYNC_SIZE];
    int after_block; /* a block was read: its sync marker comes next */
    uint8_t *buf;
    size_t cap, pos, end; /* unread bytes are buf[pos, end) */
    uint8_t *out;         /* inflated block */
    size_t out_cap;
    z_stream zs;
    int zs_ready;
};

/* Makes `need` bytes available at buf + pos, fewer only at the end of the
 * file. Returns 0, PIVOT_EIO (errno set) or PIVOT_ENOMEM. */
static int fill(pva_ocf_blocks *r, size_t need)
{
    if (r->end - r->pos >= need || r->eof)
        return 0;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, r->end - r->pos);
        r->end -= r->pos;
        r->pos = 0;
    }
    if (need > r->cap) {
        size_t ncap = r->cap;
        while (ncap < need)
            ncap *= 2;
        uint8_t *grown = realloc(r->buf, ncap);
        if (grown == NULL)
            return PIVOT_ENOMEM;
        r->buf = grown;
        r->cap = ncap;
    }
    while (r->end < need && !r->eof) {
        size_t want = r->cap - r->end;
        if (want > READ_CHUNK && need - r->end <= READ_CHUNK)
            want = READ_CHUNK;
        ssize_t n = read(r->fd, r->buf + r->end, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return PIVOT_EIO;
        if (n == 0)
            r->eof = 1;
        r->end += (size_t)n;
    }
    return 0;
}

/* Zig-zag varint long from the buffer. Returns 0, or -1 when malformed or cut short. */
static int get_long(pva_ocf_blocks *r, int64_t *out)
{
    uint64_t v = 0;
    int shift = 0;

    if (fill(r, 10) != 0)
        return -1;
    for (;;) {
        if (r->pos >= r->end || shift >= 64)
            return -1;
        uint8_t c = r->buf[r->pos++];
        v |= (uint64_t)(c & 0x7f) << shift;
        shift += 7;
        if (!(c & 0x80))
            break;
    }
    *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    return 0;
}

/* A length-prefixed string or bytes value: points into the buffer until the next fill. */
static int get_bytes(pva_ocf_blocks *r, const uint8_t **p, size_t *len)
{
    int64_t n;

    if (get_long(r, &n) != 0 || n < 0 || n > MAX_BLOCK_BYTES)
        return -1;
    if (fill(r, (size_t)n) != 0 || r->end - r->pos < (size_t)n)
        return -1;
    *p = r->buf + r->pos;
    *len = (size_t)n;
    r->pos += (size_t)n;
    return 0;
}

/* The codec called `name` (len bytes, not NUL-terminated); 0 when there is none such. */
static int codec_of(const uint8_t *name, size_t len, pva_codec *out)
{
    static const struct {
        const char *name;
        pva_codec codec;
    } codecs[] = {
        {"null", PVA_CODEC_NULL}, {"deflate", PVA_CODEC_DEFLATE}, {"snappy", PVA_CODEC_SNAPPY}};

    for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
        if (strlen(codecs[i].name) == len && memcmp(codecs[i].name, name, len) == 0) {
            *out = codecs[i].codec;
            return 1;
        }
    }
    return 0;
}

int pva_codec_known(const char *name)
{
    pva_codec codec;
    return codec_of((const uint8_t *)name, strlen(name), &codec);
}

static int read_header(pva_ocf_blocks *r, char *err, size_t errlen)
{
    static const uint8_t magic[4] = {'O', 'b', 'j', 1};
    int64_t count, block_size;
    const uint8_t *key, *value;
    size_t klen, vlen;
    int codec_known = 1;

    if (fill(r, 4) != 0 || r->end - r->pos < 4 || memcmp(r->buf, magic, 4) != 0) {
        pva_errf(err, errlen, "%s is not an Avro object container file", r->path);
        return PIVOT_EIO;
    }
    r->pos = 4;
    for (;;) {
        if (get_long(r, &count) != 0)
            goto damaged;
        if (count == 0)
            break;
        if (count < 0) {
            count = count == INT64_MIN ? INT64_MAX : -count;
            if (get_long(r, &block_size) != 0)
                goto damaged;
        }
        for (int64_t i = 0; i < count; i++) {
            /* The key must be looked at before the value's fill can move it. */
            if (get_bytes(r, &key, &klen) != 0)
                goto damaged;
            int is_codec = klen == 10 && memcmp(key, "avro.codec", 10) == 0;
            if (get_bytes(r, &value, &vlen) != 0)
                goto damaged;
            if (!is_codec)
                continue;
            codec_known = codec_of(value, vlen, &r->codec);
        }
    }
    if (fill(r, SYNC_SIZE) != 0 || r->end - r->pos < SYNC_SIZE)
        goto damaged;
    memcpy(r->sync, r->buf + r->pos, SYNC_SIZE);
    r->pos += SYNC_SIZE;
    return codec_known ? 0 : PIVOT_ENOTSUP;
damaged:
    pva_errf(err, errlen, "%s: damaged Avro file header", r->path);
    return PIVOT_EIO;
}

int pva_blocks_open(const char *path, pva_ocf_blocks **out, char *err, size_t errlen)
{
    pva_ocf_blocks *r;
    int rc;

    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return PIVOT_ENOMEM;
    r->path = path;
    r->cap = READ_CHUNK;
    r->buf = malloc(r->cap);
    if (r->buf == NULL) {
        free(r);
        return PIVOT_ENOMEM;
    }
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        pva_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        rc = PIVOT_EIO;
        goto fail;
    }
    rc = read_header(r, err, errlen);
    if (rc != 0)
        goto fail;
    if (r->codec == PVA_CODEC_DEFLATE) {
        /* Avro's deflate is raw (RFC 1951): no zlib header, no checksum. */
        if (inflateInit2(&r->zs, -MAX_WBITS) != Z_OK) {
            rc = PIVOT_ENOMEM;
            goto fail;
        }
        r->zs_ready = 1;
    }
    *out = r;
    return 0;
fail:
    pva_blocks_close(r);
    return rc;
}

/* Inflates `len` bytes at `in` into r->out. Returns the inflated size or -1. */
static long inflate_block(pva_ocf_blocks *r, const uint8_t *in, size_t len)
{
    int zrc;

    if (inflateReset(&r->zs) != Z_OK)
        return -1;
    r->zs.next_in = (Bytef *)in;
    r->zs.avail_in = (uInt)len;
    r->zs.total_out = 0;
    for (;;) {
        if (r->out_cap - r->zs.total_out == 0 || r->out == NULL) {
            size_t ncap = r->out_cap ? r->out_cap * 2 : (len * 4 > 65536 ? len * 4 : 65536);
            if (ncap > MAX_INFLATED_BYTES)
                return -1;
            uint8_t *grown = realloc(r->out, ncap);
            if (grown == NULL)
                return -1;
            r->out = grown;
            r->out_cap = ncap;
        }
        r->zs.next_out = r->out + r->zs.total_out;
        r->zs.avail_out = (uInt)(r->out_cap - r->zs.total_out);
        zrc = inflate(&r->zs, Z_FINISH);
        if (zrc == Z_STREAM_END)
            return (long)r->zs.total_out;
        /* Z_BUF_ERROR with output room left means the input ran out. */
        if ((zrc != Z_OK && zrc != Z_BUF_ERROR) || (r->zs.avail_out > 0 && r->zs.avail_in == 0))
            return -1;
    }
}

/*
 * Avro's snappy block: the raw snappy compression of the block, then the
 * CRC-32 of the uncompressed bytes, big-endian. Uncompresses into r->out.
 * Returns the uncompressed size, or -1 when the block is corrupt or its
 * checksum does not match.
 */
static long unsnappy_block(pva_ocf_blocks *r, const uint8_t *in, size_t len)
{
    size_t out_len;
    uint32_t want;

    if (len < 4)
        return -1;
    len -= 4;
    want = (uint32_t)in[len] << 24 | (uint32_t)in[len + 1] << 16 | (uint32_t)in[len + 2] << 8 |
           (uint32_t)in[len + 3];
    if (snappy_uncompressed_length((const char *)in, len, &out_len) != SNAPPY_OK ||
        out_len > MAX_INFLATED_BYTES)
        return -1;
    if (out_len > r->out_cap || r->out == NULL) {
        uint8_t *grown = realloc(r->out, out_len ? out_len : 1);
        if (grown == NULL)
            return -1;
        r->out = grown;
        r->out_cap = out_len ? out_len : 1;
    }
    if (snappy_uncompress((const char *)in, len, (char *)r->out, &out_len) != SNAPPY_OK)
        return -1;
    if (crc32(crc32(0L, Z_NULL, 0), r->out, (uInt)out_len) != want)
        return -1;
    return (long)out_len;
}

int pva_blocks_next(pva_ocf_blocks *r, const uint8_t **data, size_t *len, int64_t *count, char *err,
                    size_t errlen)
{
    int64_t n, size;

    if (r->after_block) {
        if (fill(r, SYNC_SIZE) != 0 || r->end - r->pos < SYNC_SIZE) {
            pva_errf(err, errlen, "%s: damaged data: the file ends inside a sync marker", r->path);
            return PIVOT_EIO;
        }
        if (memcmp(r->buf + r->pos, r->sync, SYNC_SIZE) != 0) {
            pva_errf(err, errlen, "%s: damaged data: wrong sync marker", r->path);
            return PIVOT_EIO;
        }
        r->pos += SYNC_SIZE;
        r->after_block = 0;
    }
    if (fill(r, 1) != 0) {
        pva_errf(err, errlen, "%s: read failed: %s", r->path, strerror(errno));
        return PIVOT_EIO;
    }
    if (r->pos == r->end)
        return 0;
    if (get_long(r, &n) != 0 || get_long(r, &size) != 0 || n < 0 || size < 0 ||
        size > MAX_BLOCK_BYTES) {
        pva_errf(err, errlen, "%s: damaged data: bad block header", r->path);
        return PIVOT_EIO;
    }
    /* For null blocks, also bring in the start of the next one (peeking). */
    if (fill(r, (size_t)size + (r->codec == PVA_CODEC_NULL ? SYNC_SIZE + PEEK_BYTES : 0)) != 0 ||
        r->end - r->pos < (size_t)size) {
        pva_errf(err, errlen, "%s: damaged data: the file ends inside a block", r->path);
        return PIVOT_EIO;
    }
    *count = n;
    if (r->codec == PVA_CODEC_DEFLATE) {
        long inflated = inflate_block(r, r->buf + r->pos, (size_t)size);
        if (inflated < 0) {
            pva_errf(err, errlen, "%s: damaged data: corrupt deflate block", r->path);
            return PIVOT_EIO;
        }
        *data = r->out;
        *len = (size_t)inflated;
    } else if (r->codec == PVA_CODEC_SNAPPY) {
        long plain = unsnappy_block(r, r->buf + r->pos, (size_t)size);
        if (plain < 0) {
            pva_errf(err, errlen, "%s: damaged data: corrupt snappy block or wrong CRC", r->path);
            return PIVOT_EIO;
        }
        *data = r->out;
        *len = (size_t)plain;
    } else {
        *data = r->buf + r->pos;
        *len = (size_t)size;
    }
    r->pos += (size_t)size;
    r->after_block = 1;
    return 1;
}

int pva_blocks_peek(const pva_ocf_blocks *r, const uint8_t **data, size_t *len)
{
    size_t avail = r->end - r->pos;

    if (!r->after_block || r->codec != PVA_CODEC_NULL || avail <= SYNC_SIZE ||
        memcmp(r->buf + r->pos, r->sync, SYNC_SIZE) != 0)
        return -1;
    *data = r->buf + r->pos + SYNC_SIZE;
    *len = avail - SYNC_SIZE;
    return 0;
}

pva_codec pva_blocks_codec(const pva_ocf_blocks *r)
{
    return r->codec;
}

void pva_blocks_close(pva_ocf_blocks *r)
{
    if (r == NULL)
        return;
    if (r->zs_ready)
        inflateEnd(&r->zs);
    if (r->fd >= 0)
        close(r->fd);
    free(r->buf);
    free(r->out);
    free(r);
}
