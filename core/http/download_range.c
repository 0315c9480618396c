#include "download_range.h"

#include "http_reply.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One byte range, both ends inclusive. */
typedef struct byte_range {
    uint64_t first, last;
} byte_range;

/* What the file handler would send: its validators and its size. */
typedef struct file_facts {
    char etag[H2O_FILECACHE_ETAG_MAXLEN + 1];
    size_t etag_len;
    char last_modified[H2O_TIMESTR_RFC1123_LEN + 1];
    uint64_t size;
} file_facts;

/* Opens the file through the context's file cache, the one the file handler
 * uses, so the validators compared here are the ones it sends. */
static int read_facts(h2o_req_t *req, const char *path, file_facts *f)
{
    h2o_filecache_ref_t *ref =
        h2o_filecache_open_file(req->conn->ctx->filecache, path, O_RDONLY | O_CLOEXEC);
    int rc = -1;

    if (ref == NULL)
        return -1;
    if (ref->fd >= 0) {
        f->etag_len = h2o_filecache_get_etag(ref, f->etag);
        h2o_filecache_get_last_modified(ref, f->last_modified);
        f->size = (uint64_t)ref->st.st_size;
        rc = 0;
    }
    h2o_filecache_close_file(ref);
    return rc;
}

/* A decimal number of 1 or more digits; larger than UINT64_MAX saturates,
 * as any offset past the end of the file means the same. */
static int parse_offset(const char *p, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        unsigned d = (unsigned)(p[i] - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return 0;
}

/* One range-spec of RFC 9110 section 14.1.1 against a file of size bytes.
 * Returns 1 with *r set when it lies in the file, 0 when it does not, -1
 * when it is not a range-spec. */
static int parse_spec(h2o_iovec_t spec, uint64_t size, byte_range *r)
{
    const char *dash = memchr(spec.base, '-', spec.len);
    size_t head, tail;
    uint64_t a, b;

    if (dash == NULL)
        return -1;
    head = (size_t)(dash - spec.base);
    tail = spec.len - head - 1;
    if (head == 0) { /* -suffix: the last b bytes */
        if (parse_offset(dash + 1, tail, &b) != 0)
            return -1;
        if (b == 0 || size == 0)
            return 0;
        *r = (byte_range){b >= size ? 0 : size - b, size - 1};
        return 1;
    }
    if (parse_offset(spec.base, head, &a) != 0)
        return -1;
    b = UINT64_MAX;
    if (tail > 0 && (parse_offset(dash + 1, tail, &b) != 0 || b < a))
        return -1;
    if (a >= size)
        return 0;
    *r = (byte_range){a, b >= size ? size - 1 : b};
    return 1;
}

static int by_first(const void *x, const void *y)
{
    const byte_range *a = x, *b = y;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* Sorts the ranges and merges those that overlap or touch; returns the new count. */
static size_t merge(byte_range *r, size_t n)
{
    size_t out = 0;
    qsort(r, n, sizeof(*r), by_first);
    for (size_t i = 0; i < n; i++) {
        if (out > 0 && r[i].first <= r[out - 1].last + 1) {
            if (r[i].last > r[out - 1].last)
                r[out - 1].last = r[i].last;
        } else {
            r[out++] = r[i];
        }
    }
    return out;
}

/* The satisfiable ranges of a "bytes=" header value, merged. Returns their
 * count (0: none lies in the file), or -1 when the value is to be ignored:
 * another unit, not a list of range-specs, or more than PV_MAX_RANGES. */
static ssize_t parse_ranges(h2o_iovec_t value, uint64_t size, byte_range *out)
{
    const char *p = value.base + 6, *end = value.base + value.len, *comma;
    size_t listed = 0, n = 0;

    if (value.len < 6 || !h2o_lcstris(value.base, 6, H2O_STRLIT("bytes=")))
        return -1;
    do {
        comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma != NULL ? comma : end;
        h2o_iovec_t spec = h2o_str_stripws(p, (size_t)(stop - p));
        p = stop + 1;
        if (spec.len == 0) /* empty list elements are allowed */
            continue;
        if (++listed > PV_MAX_RANGES)
            return -1;
        int rc = parse_spec(spec, size, &out[n]);
        if (rc < 0)
            return -1;
        n += (size_t)rc;
    } while (comma != NULL);
    if (listed == 0)
        return -1;
    return (ssize_t)merge(out, n);
}

/* If-Range (RFC 9110 section 13.1.5): the range applies only while the file
 * is the one the client has, named by a strong ETag or its exact date. */
static int if_range_holds(h2o_req_t *req, const file_facts *f)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_IF_RANGE, -1);
    if (i < 0)
        return 1;
    h2o_iovec_t v = req->headers.entries[i].value;
    return h2o_memis(v.base, v.len, f->etag, f->etag_len) ||
           h2o_memis(v.base, v.len, f->last_modified, strlen(f->last_modified));
}

static void drop_ranges(h2o_req_t *req)
{
    ssize_t i;
    while ((i = h2o_find_header(&req->headers, H2O_TOKEN_RANGE, -1)) >= 0)
        h2o_delete_header(&req->headers, i);
}

static int not_satisfiable(h2o_req_t *req, uint64_t size)
{
    char content_range[64];
    pv_problem p;

    snprintf(content_range, sizeof(content_range), "bytes */%" PRIu64, size);
    pv_reply_header(req, "content-range", content_range);
    pv_problem_set(&p, 416, "range-not-satisfiable", "Range not satisfiable", "Range",
                   "no range of the Range header starts inside the file, which has %" PRIu64
                   " bytes; ask for offsets below that, or send no Range for the whole file",
                   size);
    pv_reply_problem(req, &p);
    return 1;
}

/* Writes the merged ranges back as the request's only Range header. */
static void set_ranges(h2o_req_t *req, ssize_t at, const byte_range *r, size_t n)
{
    size_t cap = 8 + n * 42, len = 0;
    char *text = h2o_mem_alloc_pool(&req->pool, cap);

    len += (size_t)snprintf(text, cap, "bytes=");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s%" PRIu64 "-%" PRIu64, i ? "," : "",
                                r[i].first, r[i].last);
    req->headers.entries[at].value = h2o_iovec_init(text, len);
}

int pv_download_prepare(h2o_req_t *req, const char *path)
{
    byte_range ranges[PV_MAX_RANGES];
    file_facts f;
    ssize_t at, n;

    if (read_facts(req, path, &f) != 0)
        return 0; /* the file handler answers for a file it cannot open */
    /* "*" matches any existing file: the client has some version of it. */
    at = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
    if (at >= 0 && h2o_memis(req->headers.entries[at].value.base,
                             req->headers.entries[at].value.len, H2O_STRLIT("*")))
        req->headers.entries[at].value = h2o_strdup(&req->pool, f.etag, f.etag_len);
    at = h2o_find_header(&req->headers, H2O_TOKEN_RANGE, -1);
    if (at < 0)
        return 0;
    /* A second Range header makes the field invalid (it is a singleton). */
    n = h2o_find_header(&req->headers, H2O_TOKEN_RANGE, at) >= 0
            ? -1
            : parse_ranges(req->headers.entries[at].value, f.size, ranges);
    if (n < 0 || !if_range_holds(req, &f)) {
        drop_ranges(req);
        return 0;
    }
    if (n == 0)
        return not_satisfiable(req, f.size);
    set_ranges(req, at, ranges, (size_t)n);
    return 0;
}
