/*
 * The chunk codec and the compression threads on their own: every chunk
 * libdeflate writes must inflate with zlib (HDF5's deflate filter is zlib)
 * to the shuffled input, and the threads must hand chunks back in the
 * order they were submitted, each compressed exactly as one thread alone
 * compresses it, with 1, 2 and 4 threads. Built with TSan/ASan by the
 * sanitizer builds.
 *
 * usage: test_chunk_compress
 */
#include "check.h"
#include "chunk_codec.h"
#include "chunk_pool.h"

#include <stdlib.h>
#include <zlib.h>

#define NCHUNKS 300
#define MAX_ELEMS 5000

/* Chunk n: elements of 1, 2, 4 or 8 bytes, a varying count, slowly varying values. */
static size_t elem_size_of(size_t n)
{
    return (size_t)1 << (n % 4);
}
static size_t count_of(size_t n)
{
    return 1 + (n * 977) % MAX_ELEMS;
}
static void make_chunk(size_t n, uint8_t *raw, size_t *bytes)
{
    const size_t size = elem_size_of(n), count = count_of(n);

    for (size_t i = 0; i < count; i++) {
        uint64_t v = (uint64_t)(n * 1000 + i / 3) * UINT64_C(0x100000001);

        memcpy(raw + i * size, &v, size);
    }
    *bytes = count * size;
}

/* The reverse of HDF5's shuffle. */
static void unshuffle(const uint8_t *in, uint8_t *out, size_t nelems, size_t size)
{
    for (size_t b = 0; b < size; b++)
        for (size_t i = 0; i < nelems; i++)
            out[i * size + b] = in[b * nelems + i];
}

/* libdeflate's zlib stream through zlib's uncompress, unshuffled, equals the chunk. */
static void check_zlib_reads_it(void)
{
    static uint8_t raw[MAX_ELEMS * 8], shuffled[MAX_ELEMS * 8], back[MAX_ELEMS * 8];
    uint8_t *out = malloc(hx_codec_bound(sizeof(raw)));
    int bad = 0;

    for (unsigned level = 1; level <= 9; level += 4) {
        hx_codec *c = hx_codec_new(level);

        CHECK(c != NULL);
        for (size_t n = 0; c != NULL && out != NULL && n < 40; n++) {
            size_t bytes, written, size = elem_size_of(n);
            uLongf got = sizeof(shuffled);

            make_chunk(n, raw, &bytes);
            written = hx_codec_compress(c, raw, bytes, size, out, hx_codec_bound(bytes));
            bad += written == 0 || written >= bytes + 64;
            bad += uncompress(shuffled, &got, out, written) != Z_OK || got != bytes;
            if (size > 1)
                unshuffle(shuffled, back, bytes / size, size);
            else
                memcpy(back, shuffled, bytes);
            bad += memcmp(back, raw, bytes) != 0;
        }
        hx_codec_free(c);
    }
    CHECK_INT_EQ(bad, 0);
    free(out);
}

/* What one thread alone makes of chunk n. */
static uint8_t *reference(size_t n, unsigned level, size_t *len)
{
    static uint8_t raw[MAX_ELEMS * 8];
    hx_codec *c = hx_codec_new(level);
    uint8_t *out = malloc(hx_codec_bound(sizeof(raw)));
    size_t bytes;

    make_chunk(n, raw, &bytes);
    *len = hx_codec_compress(c, raw, bytes, elem_size_of(n), out, hx_codec_bound(bytes));
    hx_codec_free(c);
    return out;
}

static int check_job(const hx_chunk_job *job, size_t n, unsigned level)
{
    size_t len;
    uint8_t *want = reference(n, level, &len);
    int bad = job->offset != n || job->out_bytes != len || memcmp(job->out, want, len) != 0;

    free(want);
    return bad;
}

/* Submits every chunk, taking the oldest back whenever the ring is full, then the rest. */
static void check_order(unsigned threads)
{
    char err[256] = "";
    hx_pool *p = hx_pool_new(threads, 3, err, sizeof(err));
    size_t next = 0;
    int bad = 0;

    CHECK(p != NULL);
    if (p == NULL)
        return;
    for (size_t n = 0; n < NCHUNKS; n++) {
        size_t bytes;
        hx_chunk_job *job;

        if (hx_pool_pending(p) == HX_POOL_SLOTS) {
            bad += check_job(hx_pool_oldest(p), next++, 3);
            hx_pool_retire(p);
        }
        job = hx_pool_slot(p, MAX_ELEMS * 8);
        if (job == NULL) {
            bad++;
            break;
        }
        if (job->raw_cap < MAX_ELEMS * 8) {
            free(job->raw);
            job->raw = malloc(MAX_ELEMS * 8);
            job->raw_cap = MAX_ELEMS * 8;
        }
        make_chunk(n, job->raw, &bytes);
        job->raw_bytes = bytes;
        job->elem_size = elem_size_of(n);
        job->offset = n;
        job->count = count_of(n);
        hx_pool_submit(p);
    }
    while (hx_pool_oldest(p) != NULL) {
        bad += check_job(hx_pool_oldest(p), next++, 3);
        hx_pool_retire(p);
    }
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(next, NCHUNKS);
    CHECK_INT_EQ(hx_pool_pending_bytes(p), 0);
    hx_pool_free(p);
}

/* Freed with chunks still queued and running: nothing waits for them to be taken back. */
static void check_free_busy(void)
{
    char err[256] = "";
    hx_pool *p = hx_pool_new(2, 9, err, sizeof(err));

    CHECK(p != NULL);
    for (size_t n = 0; p != NULL && n < HX_POOL_SLOTS; n++) {
        hx_chunk_job *job = hx_pool_slot(p, MAX_ELEMS * 8);
        size_t bytes;

        job->raw = realloc(job->raw, MAX_ELEMS * 8);
        job->raw_cap = MAX_ELEMS * 8;
        make_chunk(n, job->raw, &bytes);
        job->raw_bytes = bytes;
        job->elem_size = elem_size_of(n);
        hx_pool_submit(p);
    }
    CHECK(p == NULL || hx_pool_slot(p, 1) == NULL);
    hx_pool_free(p);
}

int main(void)
{
    static const unsigned counts[] = {1, 2, 4};

    check_zlib_reads_it();
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
        check_order(counts[i]);
    check_free_busy();
    return check_report();
}
