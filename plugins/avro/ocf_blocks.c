/*
 * Block files read with read() through one buffer that holds at least a
 * whole block: memory stays at about the size of the largest block,
 * whatever the size of the file. Compressed blocks (deflate, snappy) are
 * uncompressed into a second buffer of the same kind.
 */
#include "ocf_blocks.h"
#include "block_inflate.h"
#include "varint.h"

#include <errno.h>
#include <fcntl.h>
#include <snappy-c.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Bytes asked of each read(); blocks larger than this grow the buffer. */
#define READ_CHUNK (1024 * 1024)
/* Bounds that keep a damaged file from causing a huge allocation. */
#define MAX_BLOCK_BYTES (256 * 1024 * 1024)
/* A relay's block holds one record from one UDP datagram: a larger size is damage. */
#define MAX_RELAY_BLOCK_BYTES (1024 * 1024)
#define MAX_INFLATED_BYTES (256 * 1024 * 1024)
#define SYNC_SIZE 16
/* Bytes of the next block kept in memory with the current one, for peeking. */
#define PEEK_BYTES 256
/* The end of a file searched for its last block: first this much, then more. */
#define TAIL_WINDOW (64 * 1024)
#define MAX_TAIL_WINDOW (64 * 1024 * 1024)

const uint8_t pva_relay_marker[SYNC_SIZE] = {0xa4, 0x8a, 0x1e, 0x90, 0x05, 0x04, 0x24, 0x78,
                                             0x0a, 0x68, 0x33, 0x7f, 0xc2, 0x50, 0x95, 0x63};

struct pva_ocf_blocks {
    const char *name; /* for messages */
    int fd;
    int eof; /* read() returned 0 */
    pva_file_kind kind;
    pva_codec codec;
    uint8_t sync[SYNC_SIZE];
    uint64_t data_start;      /* file offset of the first block */
    uint64_t damaged;         /* bytes passed over in damaged blocks */
    uint64_t damaged_at;      /* places where damage was found */
    uint64_t tail;            /* bytes of an incomplete last block */
    const char *first_damage; /* what the first damaged place was, for the warning */
    int64_t tail_count;       /* records the cut block's header announces, or -1 */
    int peekable;             /* the last block's marker matched and the next bytes follow */
    size_t block_start;       /* buf index of the block being parsed, or SIZE_MAX */
    uint8_t *buf;
    uint64_t base;        /* file offset of buf[0] */
    size_t cap, pos, end; /* unread bytes are buf[pos, end) */
    uint8_t *out;         /* inflated block */
    size_t out_cap;
    pva_inflater *inflater; /* deflate codec only */
};

/* Makes `need` bytes available at buf + pos, fewer only at the end of the
 * file. Returns 0, PIVOT_EIO (errno set) or PIVOT_ENOMEM. */
static int fill(pva_ocf_blocks *r, size_t need)
{
    /* Bytes from the block being parsed on are kept: a damaged block is searched again. */
    size_t keep = r->block_start < r->pos ? r->block_start : r->pos;

    if (r->end - r->pos >= need || r->eof)
        return 0;
    need += r->pos - keep;
    if (keep > 0) {
        memmove(r->buf, r->buf + keep, r->end - keep);
        r->end -= keep;
        r->pos -= keep;
        if (r->block_start != SIZE_MAX)
            r->block_start -= keep;
        r->base += keep;
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

    if (fill(r, 4) != 0) {
        pva_errf(err, errlen, "%s: read failed: %s", r->name, strerror(errno));
        return PIVOT_EIO;
    }
    if (r->end - r->pos < 4 || memcmp(r->buf, magic, 4) != 0) {
        /* No header: the relay's blocks from the first byte on. */
        r->kind = PVA_FILE_RELAY;
        memcpy(r->sync, pva_relay_marker, SYNC_SIZE);
        return 0;
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
    r->data_start = r->base + r->pos;
    return codec_known ? 0 : PIVOT_ENOTSUP;
damaged:
    pva_errf(err, errlen, "%s: damaged Avro file header", r->name);
    return PIVOT_EIO;
}

int pva_blocks_open(const char *path, const char *name, pva_ocf_blocks **out, char *err,
                    size_t errlen)
{
    pva_ocf_blocks *r;
    struct stat st;
    int rc;

    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return PIVOT_ENOMEM;
    r->name = name;
    r->block_start = SIZE_MAX;
    r->tail_count = -1;
    r->cap = READ_CHUNK;
    r->buf = malloc(r->cap);
    if (r->buf == NULL) {
        free(r);
        return PIVOT_ENOMEM;
    }
    /* O_NONBLOCK: a FIFO put where a file was listed must not stop the worker. */
    r->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (r->fd < 0 || fstat(r->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        pva_errf(err, errlen, "%s: %s", name, r->fd < 0 ? strerror(errno) : "not a regular file");
        rc = PIVOT_EIO;
        goto fail;
    }
    rc = read_header(r, err, errlen);
    if (rc != 0)
        goto fail;
    if (r->codec == PVA_CODEC_DEFLATE) {
        r->inflater = pva_inflater_new();
        if (r->inflater == NULL) {
            rc = PIVOT_ENOMEM;
            goto fail;
        }
    }
    *out = r;
    return 0;
fail:
    pva_blocks_close(r);
    return rc;
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

static void note_damage(pva_ocf_blocks *r, uint64_t bytes, const char *reason)
{
    if (r->damaged_at == 0)
        r->first_damage = reason;
    r->damaged += bytes;
    r->damaged_at++;
}

/* Whether the sync marker occurs in buf[from, end); its index in *at. */
static int find_marker(const pva_ocf_blocks *r, size_t from, size_t *at)
{
    const uint8_t *hit;

    if (from >= r->end)
        return 0;
    hit = memmem(r->buf + from, r->end - from, r->sync, SYNC_SIZE);
    if (hit == NULL)
        return 0;
    *at = (size_t)(hit - r->buf);
    return 1;
}

/*
 * The block at file offset `start` is damaged: moves past the next sync
 * marker and counts the bytes skipped. When no marker follows, the rest of
 * the file is an incomplete last block. Returns 1 when reading can go on,
 * 0 at the end, PIVOT_EIO or PIVOT_ENOMEM.
 */
static int resync(pva_ocf_blocks *r, uint64_t start, const char *reason)
{
    size_t at;

    r->pos = (size_t)(start + 1 - r->base);
    for (;;) {
        if (find_marker(r, r->pos, &at)) {
            note_damage(r, r->base + at + SYNC_SIZE - start, reason);
            r->pos = at + SYNC_SIZE;
            return 1;
        }
        if (r->eof) {
            r->tail = r->base + r->end - start;
            r->pos = r->end;
            return 0;
        }
        /* Keep what could be the start of a marker cut by the buffer's end. */
        if (r->end - r->pos > SYNC_SIZE - 1)
            r->pos = r->end - (SYNC_SIZE - 1);
        size_t before = r->end - r->pos;
        int rc = fill(r, before + READ_CHUNK);
        if (rc != 0)
            return rc;
    }
}

/* Decodes the block of `size` bytes at buf + pos into *data and *len; -1 when corrupt. */
static int decode_block(pva_ocf_blocks *r, size_t size, const uint8_t **data, size_t *len)
{
    long plain;

    if (r->codec == PVA_CODEC_NULL) {
        *data = r->buf + r->pos;
        *len = size;
        return 0;
    }
    plain = r->codec == PVA_CODEC_DEFLATE ? pva_inflate(r->inflater, r->buf + r->pos, size, &r->out,
                                                        &r->out_cap, MAX_INFLATED_BYTES)
                                          : unsnappy_block(r, r->buf + r->pos, size);
    if (plain < 0)
        return -1;
    *data = r->out;
    *len = (size_t)plain;
    return 0;
}

int pva_blocks_next(pva_ocf_blocks *r, const uint8_t **data, size_t *len, int64_t *count, char *err,
                    size_t errlen)
{
    for (;;) {
        const char *reason;
        size_t marker;
        int64_t n = -1, size;
        uint64_t start;
        size_t at;
        int rc;

        r->peekable = 0;
        if (fill(r, 1) != 0) {
            pva_errf(err, errlen, "%s: read failed: %s", r->name, strerror(errno));
            return PIVOT_EIO;
        }
        if (r->pos == r->end)
            return 0;
        r->block_start = r->pos;
        start = r->base + r->pos;
        reason = "a bad block header";
        if (get_long(r, &n) != 0 || get_long(r, &size) != 0 || n < 0 || size < 0 ||
            size > (r->kind == PVA_FILE_RELAY ? MAX_RELAY_BLOCK_BYTES : MAX_BLOCK_BYTES))
            goto damaged;
        /* The block, its marker and, for peeking, the start of the next one. */
        if (fill(r, (size_t)size + SYNC_SIZE + PEEK_BYTES) != 0) {
            pva_errf(err, errlen, "%s: read failed: %s", r->name, strerror(errno));
            return PIVOT_EIO;
        }
        marker = SYNC_SIZE;
        if (r->end - r->pos < (size_t)size + SYNC_SIZE) {
            /* The file ends in this block's marker: its records are whole. */
            size_t rest = r->end - r->pos;
            if (rest < (size_t)size ||
                memcmp(r->buf + r->pos + size, r->sync, rest - (size_t)size) != 0) {
                reason = "a block cut short";
                goto damaged; /* a live tail, unless a marker follows */
            }
            marker = rest - (size_t)size;
        } else if (memcmp(r->buf + r->pos + size, r->sync, SYNC_SIZE) != 0) {
            reason = "a wrong sync marker";
            goto damaged;
        }
        if (decode_block(r, (size_t)size, data, len) != 0) {
            /* The framing holds, so the next block is where the marker says. */
            note_damage(r, r->base + r->pos + (size_t)size + marker - start,
                        r->codec == PVA_CODEC_SNAPPY ? "a corrupt snappy block or a wrong CRC"
                                                     : "a corrupt deflate block");
            r->pos += (size_t)size + marker;
            r->block_start = SIZE_MAX;
            continue;
        }
        *count = n;
        r->pos += (size_t)size + marker;
        r->block_start = SIZE_MAX;
        r->peekable = r->codec == PVA_CODEC_NULL;
        return 1;
    damaged:
        /* A block that runs to the end of the file with no marker after it
         * is one still being written. */
        r->pos = (size_t)(start - r->base);
        r->block_start = SIZE_MAX;
        if (r->eof && !find_marker(r, r->pos + 1, &at)) {
            r->tail = r->base + r->end - start;
            r->tail_count = n;
            r->pos = r->end;
            return 0;
        }
        rc = resync(r, start, reason);
        if (rc <= 0) {
            if (rc < 0)
                pva_errf(err, errlen, "%s: read failed: %s", r->name, strerror(errno));
            return rc;
        }
    }
}

int pva_blocks_peek(const pva_ocf_blocks *r, const uint8_t **data, size_t *len)
{
    if (!r->peekable || r->pos >= r->end)
        return -1;
    *data = r->buf + r->pos;
    *len = r->end - r->pos;
    return 0;
}

/* Whether a whole block starts at buf[s] and ends just before the marker at buf[m]. */
static int block_spans(const uint8_t *buf, size_t s, size_t m)
{
    const uint8_t *p = buf + s, *end = buf + m;
    uint64_t count = 0, size = 0;

    p = pva_get_varint(p, end, &count);
    if (p != NULL)
        p = pva_get_length(p, end, &size);
    return p != NULL && (int64_t)count >= 0 && (uint64_t)(end - p) == size;
}

/* The index of the last marker that ends at or before buf[limit]; 0 when there is none. */
static int last_marker(const pva_ocf_blocks *r, size_t limit, size_t *at)
{
    for (size_t i = limit >= SYNC_SIZE ? limit - SYNC_SIZE + 1 : 0; i-- > 0;) {
        if (r->buf[i] == r->sync[0] && memcmp(r->buf + i, r->sync, SYNC_SIZE) == 0) {
            *at = i;
            return 1;
        }
    }
    return 0;
}

/* Moves the reader to file offset `at`, buffer emptied. */
static int seek_to(pva_ocf_blocks *r, uint64_t at)
{
    if (lseek(r->fd, (off_t)at, SEEK_SET) < 0)
        return PIVOT_EIO;
    r->base = at;
    r->pos = r->end = 0;
    r->block_start = SIZE_MAX;
    r->eof = 0;
    r->peekable = 0;
    return 0;
}

int pva_blocks_seek_last(pva_ocf_blocks *r)
{
    struct stat st;
    uint64_t window = TAIL_WINDOW;
    int rc = 0;

    if (fstat(r->fd, &st) != 0)
        return PIVOT_EIO;
    for (;;) {
        uint64_t size = (uint64_t)st.st_size;
        uint64_t lo = size > r->data_start + window ? size - window : r->data_start;
        size_t n = (size_t)(size - lo), m, s;

        if (size <= r->data_start)
            return 0;
        rc = seek_to(r, lo);
        if (rc == 0)
            rc = fill(r, n);
        if (rc != 0)
            return rc;
        n = r->end;
        /* A last block whose marker is cut or missing has whole records, as pva_blocks_next reads.
         */
        for (size_t k = 0; k < SYNC_SIZE && k < n; k++) {
            if (memcmp(r->buf + n - k, r->sync, k) != 0)
                continue;
            if (last_marker(r, n - k, &s))
                s += SYNC_SIZE;
            else if (lo == r->data_start)
                s = 0;
            else
                continue;
            if (block_spans(r->buf, s, n - k))
                return seek_to(r, lo + s) == 0 ? 1 : PIVOT_EIO;
        }
        /* Candidate ends, last first; each block starts after the marker before it. */
        for (size_t limit = n; last_marker(r, limit, &m);) {
            if (last_marker(r, m, &s))
                s += SYNC_SIZE;
            else if (lo == r->data_start)
                s = 0;
            else
                break; /* the block starts before the window */
            if (block_spans(r->buf, s, m))
                return seek_to(r, lo + s) == 0 ? 1 : PIVOT_EIO;
            limit = m;
        }
        /* A relay's blocks are small: a window past a few of them finds none. */
        if (lo == r->data_start || window >= MAX_TAIL_WINDOW ||
            (r->kind == PVA_FILE_RELAY && window >= 4 * MAX_RELAY_BLOCK_BYTES))
            return 0;
        window *= 4;
    }
}

void pva_blocks_reject(pva_ocf_blocks *r, size_t len)
{
    note_damage(r, len, "records that do not decode");
}

uint64_t pva_blocks_damage(const pva_ocf_blocks *r, uint64_t *places, const char **first)
{
    *places = r->damaged_at;
    *first = r->first_damage;
    return r->damaged;
}

uint64_t pva_blocks_tail(const pva_ocf_blocks *r)
{
    return r->tail;
}

int64_t pva_blocks_tail_count(const pva_ocf_blocks *r)
{
    return r->tail_count;
}

pva_file_kind pva_blocks_kind(const pva_ocf_blocks *r)
{
    return r->kind;
}

pva_codec pva_blocks_codec(const pva_ocf_blocks *r)
{
    return r->codec;
}

void pva_blocks_close(pva_ocf_blocks *r)
{
    if (r == NULL)
        return;
    pva_inflater_free(r->inflater);
    if (r->fd >= 0)
        close(r->fd);
    free(r->buf);
    free(r->out);
    free(r);
}
