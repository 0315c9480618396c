#include "http_query.h"

#include <string.h>

void pv_query_begin(h2o_req_t *req, pv_query_iter *it)
{
    if (req->query_at == SIZE_MAX) {
        it->p = it->end = NULL;
        return;
    }
    pv_query_begin_text(req->path.base + req->query_at + 1, req->path.len - req->query_at - 1, it);
}

void pv_query_begin_text(const char *query, size_t len, pv_query_iter *it)
{
    it->p = query;
    it->end = query + len;
}

int pv_query_next(pv_query_iter *it, h2o_iovec_t *key, h2o_iovec_t *value)
{
    while (it->p != NULL && it->p < it->end) {
        const char *amp = memchr(it->p, '&', (size_t)(it->end - it->p));
        const char *pair_end = amp ? amp : it->end;
        const char *eq = memchr(it->p, '=', (size_t)(pair_end - it->p));
        const char *start = it->p;
        it->p = pair_end + 1;
        if (pair_end == start)
            continue; /* "&&" */
        *key = h2o_iovec_init(start, (size_t)((eq ? eq : pair_end) - start));
        *value = eq ? h2o_iovec_init(eq + 1, (size_t)(pair_end - eq - 1)) : h2o_iovec_init("", 0);
        return 1;
    }
    return 0;
}

int pv_query_key_is(h2o_iovec_t key, const char *name)
{
    return h2o_memis(key.base, key.len, name, strlen(name));
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

ssize_t pv_query_decode(h2o_iovec_t value, char *out, size_t outlen)
{
    size_t n = 0;

    for (size_t i = 0; i < value.len; i++) {
        int c = (unsigned char)value.base[i];
        if (c == '%') {
            int hi = i + 2 < value.len ? hex_digit(value.base[i + 1]) : -1;
            int lo = hi >= 0 ? hex_digit(value.base[i + 2]) : -1;
            if (lo < 0)
                return -1;
            c = hi * 16 + lo;
            i += 2;
        }
        if (c == '\0' || n + 1 >= outlen)
            return -1;
        out[n++] = (char)c;
    }
    if (outlen == 0)
        return -1;
    out[n] = '\0';
    return (ssize_t)n;
}
