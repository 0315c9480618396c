/*
 * Avro Object Container File writer: header, blocks, codecs. See gen_avro_ocf.h.
 */
#include "gen_avro_ocf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Pending file bytes are written in chunks of about this size. */
#define OUT_CHUNK (1u << 20)

static const uint8_t ocf_magic[4] = {'O', 'b', 'j', 1};

static int buf_reserve(struct gen_buf *b, size_t extra)
{
    if (b->cap - b->len >= extra)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->len < extra)
        cap *= 2;
    uint8_t *p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

static void buf_put(struct gen_buf *b, const void *src, size_t n)
{
    memcpy(b->data + b->len, src, n);
    b->len += n;
}

static void buf_put_long(struct gen_buf *b, int64_t v)
{
    b->len += gen_avro_put_long(b->data + b->len, v);
}

/* Avro bytes/string: length then the bytes. */
static void buf_put_bytes(struct gen_buf *b, const char *s)
{
    size_t n = strlen(s);
    buf_put_long(b, (int64_t)n);
    buf_put(b, s, n);
}

static int write_all(struct gen_ocf *w, const uint8_t *p, size_t n, char *err, size_t errlen)
{
    while (n > 0) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            snprintf(err, errlen, "%s: write: %s", w->path, strerror(errno));
            return -1;
        }
        p += k;
        n -= (size_t)k;
        w->bytes_written += (uint64_t)k;
    }
    return 0;
}

static int flush_out(struct gen_ocf *w, char *err, size_t errlen)
{
    int rc = write_all(w, w->out.data, w->out.len, err, errlen);
    w->out.len = 0;
    return rc;
}

int gen_ocf_init(struct gen_ocf *w, enum gen_codec codec, size_t max_record, char *err,
                 size_t errlen)
{
    memset(w, 0, sizeof *w);
    w->fd = -1;
    w->codec = codec;
    w->max_record = max_record;
    /* The block never exceeds the sync interval by more than one record. */
    size_t block_cap = GEN_OCF_SYNC_INTERVAL + max_record;
    if (buf_reserve(&w->block, block_cap) < 0 || buf_reserve(&w->out, OUT_CHUNK) < 0)
        goto oom;
    if (codec == GEN_CODEC_DEFLATE) {
        /* Level, window and memLevel of Python's zlib.compress(data). */
        if (deflateInit2(&w->zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, MAX_WBITS, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK)
            goto oom;
        w->zs_ready = 1;
        if (buf_reserve(&w->packed, deflateBound(&w->zs, (uLong)block_cap)) < 0)
            goto oom;
    }
    return 0;
oom:
    snprintf(err, errlen, "out of memory for a block of %zu bytes", block_cap);
    gen_ocf_free(w);
    return -1;
}

void gen_ocf_free(struct gen_ocf *w)
{
    if (w->zs_ready)
        deflateEnd(&w->zs);
    free(w->block.data);
    free(w->packed.data);
    free(w->out.data);
    memset(w, 0, sizeof *w);
    w->fd = -1;
}

int gen_ocf_open(struct gen_ocf *w, const char *path, const char *schema,
                 const uint8_t sync[GEN_OCF_SYNC_SIZE], char *err, size_t errlen)
{
    w->path = path;
    w->block.len = 0;
    w->block_count = 0;
    w->out.len = 0;
    w->bytes_written = 0;
    memcpy(w->sync, sync, GEN_OCF_SYNC_SIZE);
    w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (w->fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (schema == NULL)
        return 0;
    const char *codec = w->codec == GEN_CODEC_DEFLATE ? "deflate" : "null";
    /* Generous: four varints plus the texts. */
    if (buf_reserve(&w->out, 64 + strlen(schema) + strlen(codec) + GEN_OCF_SYNC_SIZE) < 0) {
        snprintf(err, errlen, "out of memory for the header of %s", path);
        gen_ocf_abort(w);
        return -1;
    }
    buf_put(&w->out, ocf_magic, sizeof ocf_magic);
    /* DataFileWriter sets avro.codec before avro.schema; the map keeps that order. */
    buf_put_long(&w->out, 2);
    buf_put_bytes(&w->out, "avro.codec");
    buf_put_bytes(&w->out, codec);
    buf_put_bytes(&w->out, "avro.schema");
    buf_put_bytes(&w->out, schema);
    buf_put_long(&w->out, 0);
    buf_put(&w->out, w->sync, GEN_OCF_SYNC_SIZE);
    return 0;
}

/* python-avro's deflate codec stores zlib.compress(data)[2:-1]: no zlib header, and 3 of
 * the 4 Adler-32 bytes, which readers ignore because the deflate stream is self-ending. */
static int deflate_block(struct gen_ocf *w, const uint8_t **data, size_t *len, char *err,
                         size_t errlen)
{
    if (deflateReset(&w->zs) != Z_OK)
        goto fail;
    w->zs.next_in = w->block.data;
    w->zs.avail_in = (uInt)w->block.len;
    w->zs.next_out = w->packed.data;
    w->zs.avail_out = (uInt)w->packed.cap;
    if (deflate(&w->zs, Z_FINISH) != Z_STREAM_END)
        goto fail;
    size_t n = w->packed.cap - w->zs.avail_out;
    *data = w->packed.data + 2;
    *len = n - 3;
    return 0;
fail:
    snprintf(err, errlen, "%s: deflate failed: %s", w->path, w->zs.msg ? w->zs.msg : "?");
    return -1;
}

int gen_ocf_end_block(struct gen_ocf *w, char *err, size_t errlen)
{
    if (w->block_count == 0)
        return 0;
    const uint8_t *data = w->block.data;
    size_t len = w->block.len;
    if (w->codec == GEN_CODEC_DEFLATE && deflate_block(w, &data, &len, err, errlen) < 0)
        return -1;
    uint8_t prefix[20];
    size_t np = gen_avro_put_long(prefix, w->block_count);
    np += gen_avro_put_long(prefix + np, (int64_t)len);
    if (w->out.len + np + len + GEN_OCF_SYNC_SIZE > w->out.cap && flush_out(w, err, errlen) < 0)
        return -1;
    if (np + len + GEN_OCF_SYNC_SIZE > w->out.cap) {
        /* A block bigger than the output buffer goes straight to the file. */
        if (write_all(w, prefix, np, err, errlen) < 0 || write_all(w, data, len, err, errlen) < 0 ||
            write_all(w, w->sync, GEN_OCF_SYNC_SIZE, err, errlen) < 0)
            return -1;
    } else {
        buf_put(&w->out, prefix, np);
        buf_put(&w->out, data, len);
        buf_put(&w->out, w->sync, GEN_OCF_SYNC_SIZE);
    }
    w->block.len = 0;
    w->block_count = 0;
    return 0;
}

int gen_ocf_close(struct gen_ocf *w, char *err, size_t errlen)
{
    int rc = gen_ocf_end_block(w, err, errlen);
    if (rc == 0)
        rc = flush_out(w, err, errlen);
    if (close(w->fd) < 0 && rc == 0) {
        snprintf(err, errlen, "%s: close: %s", w->path, strerror(errno));
        rc = -1;
    }
    w->fd = -1;
    return rc;
}

void gen_ocf_abort(struct gen_ocf *w)
{
    if (w->fd >= 0)
        close(w->fd);
    w->fd = -1;
}
