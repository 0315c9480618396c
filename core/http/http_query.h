/* Query strings of requests: key=value pairs, percent-decoded on demand. */
#ifndef PV_HTTP_QUERY_H
#define PV_HTTP_QUERY_H

#include <h2o.h>

/** A position in a query string. */
typedef struct pv_query_iter {
    const char *p;
    const char *end;
} pv_query_iter;

/** Starts at the query of req (an empty iteration when it has none). */
void pv_query_begin(h2o_req_t *req, pv_query_iter *it);

/** Starts at a raw query string of len bytes (without the '?'). */
void pv_query_begin_text(const char *query, size_t len, pv_query_iter *it);

/**
 * The next key=value pair, raw (still percent-encoded; a key without '='
 * has an empty value). Returns 1 with key and value set, 0 at the end.
 */
int pv_query_next(pv_query_iter *it, h2o_iovec_t *key, h2o_iovec_t *value);

/** True when the raw key equals name. */
int pv_query_key_is(h2o_iovec_t key, const char *name);

/**
 * Percent-decodes value into out, NUL-terminated ('+' stays '+': in a
 * timestamp it is a sign). Returns the decoded length, or -1 when an escape
 * is malformed, the result holds a NUL byte, or it does not fit in outlen.
 */
ssize_t pv_query_decode(h2o_iovec_t value, char *out, size_t outlen);

#endif
