/*
 * A minimal Avro Object Container File writer for the demo data generator.
 *
 * It writes exactly what python-avro's DataFileWriter writes for the same
 * records, metadata and sync marker: the header (magic, metadata map with
 * avro.codec then avro.schema, sync), then blocks of zigzag-varint record
 * count, varint byte size, data and sync. Records are encoded by the caller
 * straight into the block buffer (gen_ocf_reserve/gen_ocf_commit), so a record
 * costs no copy and no system call.
 */
#ifndef PIVOT_GEN_AVRO_OCF_H
#define PIVOT_GEN_AVRO_OCF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

/* python-avro cuts a block on its own once the encoded records reach this size. */
#define GEN_OCF_SYNC_INTERVAL (4000 * 16)
#define GEN_OCF_SYNC_SIZE 16

enum gen_codec { GEN_CODEC_NULL, GEN_CODEC_DEFLATE };

/* A growable byte buffer. */
struct gen_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
};

/* One writer per worker; its buffers are reused for every file it writes. */
struct gen_ocf {
    int fd;               /** open output file, -1 between files */
    const char *path;     /** borrowed, for error messages */
    enum gen_codec codec; /** block compression */
    uint8_t sync[GEN_OCF_SYNC_SIZE];
    struct gen_buf block;   /** encoded records of the current block */
    long long block_count;  /** records in the current block */
    struct gen_buf packed;  /** compressed block (deflate only) */
    struct gen_buf out;     /** file bytes not yet written */
    z_stream zs;            /** reused deflate state */
    int zs_ready;           /** zs was initialised */
    size_t max_record;      /** upper bound of one encoded record */
    uint64_t bytes_written; /** bytes of the current file so far */
};

/* Prepares a writer for records of at most max_record bytes. 0 or -1 (err set). */
int gen_ocf_init(struct gen_ocf *w, enum gen_codec codec, size_t max_record, char *err,
                 size_t errlen);

/* Releases the buffers; the writer must not have a file open. */
void gen_ocf_free(struct gen_ocf *w);

/*
 * Creates (truncates) path and writes the header. Without a schema (NULL) it
 * writes no header at all: the header-less files of SpeedData's C relay,
 * only blocks, whose schema lives in a separate .avsc. 0 or -1 (err set).
 */
int gen_ocf_open(struct gen_ocf *w, const char *path, const char *schema,
                 const uint8_t sync[GEN_OCF_SYNC_SIZE], char *err, size_t errlen);

/* Room for one record (max_record bytes) at the end of the current block. */
static inline uint8_t *gen_ocf_reserve(struct gen_ocf *w)
{
    return w->block.data + w->block.len;
}

/* Ends the block the way python-avro's sync() does; no block if it is empty. */
int gen_ocf_end_block(struct gen_ocf *w, char *err, size_t errlen);

/*
 * Accounts for a record of len bytes written at gen_ocf_reserve(), and ends
 * the block when it has grown to GEN_OCF_SYNC_INTERVAL, as DataFileWriter.append does.
 */
static inline int gen_ocf_commit(struct gen_ocf *w, size_t len, char *err, size_t errlen)
{
    w->block.len += len;
    w->block_count++;
    if (w->block.len >= GEN_OCF_SYNC_INTERVAL)
        return gen_ocf_end_block(w, err, errlen);
    return 0;
}

/* Ends the last block, writes everything out and closes the file. 0 or -1 (err set). */
int gen_ocf_close(struct gen_ocf *w, char *err, size_t errlen);

/* Closes the file after a failure, writing nothing more. */
void gen_ocf_abort(struct gen_ocf *w);

/* Zigzag varint of an Avro long/int at p; returns the number of bytes (1..10). */
static inline size_t gen_avro_put_long(uint8_t *p, int64_t v)
{
    /* All ones for a negative v, without shifting a signed value. */
    uint64_t z = ((uint64_t)v << 1) ^ (0 - ((uint64_t)v >> 63));
    size_t n = 0;
    while (z & ~(uint64_t)0x7f) {
        p[n++] = (uint8_t)((z & 0x7f) | 0x80);
        z >>= 7;
    }
    p[n++] = (uint8_t)z;
    return n;
}

/* An Avro double: the IEEE 754 bits, little-endian. */
static inline void gen_avro_put_double(uint8_t *p, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    for (int b = 0; b < 8; b++)
        p[b] = (uint8_t)(bits >> (8 * b));
}

#endif
