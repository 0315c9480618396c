/*
 * What RFC 9112 asks of a request before it is routed.
 *
 * Refuses requests whose body framing two parsers could read differently
 * (RFC 9112 section 6.3): two Content-Length values that differ, or
 * Transfer-Encoding together with Content-Length. h2o takes the first
 * Content-Length, or the chunked encoding, and would go on reading the
 * connection; a proxy in front that chose the other reading would see the
 * rest of the bytes as part of the body, while pivotd would run them as a
 * second request nobody authorised (request smuggling). Such a request is
 * answered 400 and its connection closed, so nothing after it is read.
 *
 * h2o 2.2 removes both headers from req->headers once it has used them, so
 * the check reads the request head itself: h2o keeps a request's bytes at
 * the start of its socket's input buffer until the response is complete.
 * The head is parsed again with h2o's own parser (picohttpparser), so both
 * see the same header lines.
 */
#include "http_server.h"

#include "http_reply.h"
#include "log.h"

#include <string.h>

/* picohttpparser, part of libh2o; its header is not installed. */
struct phr_header {
    const char *name;
    size_t name_len;
    const char *value;
    size_t value_len;
};
int phr_parse_request(const char *buf, size_t len, const char **method, size_t *method_len,
                      const char **path, size_t *path_len, int *minor_version,
                      struct phr_header *headers, size_t *num_headers, size_t last_len);

/* h2o refuses heads with more headers than this (H2O_MAX_HEADERS). */
#define MAX_HEAD_HEADERS 100

/* Parses the head of req from its connection's input into headers. Returns
 * the number of headers, or -1 when the buffer does not start with req's
 * request line. */
static ssize_t parse_head(h2o_req_t *req, struct phr_header *headers)
{
    h2o_socket_t *sock = NULL;
    const char *method, *path;
    size_t method_len, path_len, n = MAX_HEAD_HEADERS;
    int minor;

    if (req->conn->callbacks->get_socket != NULL)
        sock = req->conn->callbacks->get_socket(req->conn);
    if (sock == NULL || sock->input == NULL ||
        phr_parse_request(sock->input->bytes, sock->input->size, &method, &method_len, &path,
                          &path_len, &minor, headers, &n, 0) <= 0)
        return -1;
    if (!h2o_memis(method, method_len, req->input.method.base, req->input.method.len) ||
        !h2o_memis(path, path_len, req->input.path.base, req->input.path.len))
        return -1;
    return (ssize_t)n;
}

static int is_header(const struct phr_header *h, const char *lower_name)
{
    return h2o_lcstris(h->name, h->name_len, lower_name, strlen(lower_name));
}

/* Fills p and returns 1 when the framing headers of the head are ambiguous. */
static int framing_ambiguous(const struct phr_header *headers, size_t n, pv_problem *p)
{
    const struct phr_header *length = NULL;
    int coding = 0;

    for (size_t i = 0; i < n; i++) {
        if (headers[i].name == NULL) /* a folded continuation line */
            continue;
        if (is_header(&headers[i], "transfer-encoding"))
            coding = 1;
        if (!is_header(&headers[i], "content-length"))
            continue;
        /* The same value repeated is not ambiguous (RFC 9112 section 6.3). */
        if (length != NULL &&
            !h2o_memis(headers[i].value, headers[i].value_len, length->value, length->value_len)) {
            pv_problem_set(p, 400, "invalid-header", "Invalid header", "Content-Length",
                           "the request has Content-Length headers with different values, so "
                           "its body has two possible ends; send one Content-Length");
            return 1;
        }
        length = &headers[i];
    }
    if (coding && length != NULL) {
        pv_problem_set(p, 400, "invalid-header", "Invalid header", "Transfer-Encoding",
                       "the request has both Transfer-Encoding and Content-Length, so its body "
                       "has two possible ends; send one of them");
        return 1;
    }
    return 0;
}

int pv_http_framing_check(h2o_handler_t *self, h2o_req_t *req)
{
    struct phr_header headers[MAX_HEAD_HEADERS];
    ssize_t n = parse_head(req, headers);
    pv_problem p;

    (void)self;
    if (n < 0) {
        /* Never expected with h2o 2.2; unchecked framing is not let through. */
        pv_log(PIVOT_LOG_ERROR, "pivotd", "the head of a request was not found in its buffer");
        pv_problem_set(&p, 500, "internal-error", "Internal error", NULL,
                       "the request could not be checked");
        goto refuse;
    }
    if (!framing_ambiguous(headers, (size_t)n, &p))
        return -1;
refuse:
    /* What follows on the connection cannot be told apart from the body. */
    req->http1_is_persistent = 0;
    return pv_reply_problem(req, &p);
}

h2o_iovec_t pv_http_origin_form(h2o_iovec_t target)
{
    h2o_url_t url;

    /* Clients send absolute form to proxies, and may to servers; h2o 2.2
     * takes it for a path ("/http://host/...") and pivot then finds no
     * route. Only http and https URLs parse; "*" and the rest stay as they
     * are and find no route. */
    if (target.len > 0 && target.base[0] != '/' &&
        h2o_url_parse(target.base, target.len, &url) == 0)
        return url.path;
    return target;
}
