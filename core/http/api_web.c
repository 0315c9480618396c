/* GET / and /web/...: the browser page, served from memory on the loop. */
#include "api.h"

#include "http_reply.h"
#include "web_assets.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The page runs only scripts and styles from this origin (no inline script,
 * no eval), talks only to this origin and cannot be framed; a reflected or
 * stored string therefore cannot run as code. */
#define WEB_CSP                                                                                    \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "        \
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "                 \
    "frame-ancestors 'none'"

/* A path below /web/vendor/<library>/<version>/ never changes its bytes: a
 * new version of the library has a new path. */
#define VERSIONED_PREFIX "/vendor/"

/* One quoted 16-digit hash per asset, computed once; NULL if out of memory
 * (the files are then served without validators). */
typedef char etag_text[20];
static etag_text *etags;
static pthread_once_t etags_once = PTHREAD_ONCE_INIT;

/* The ETag is a hash of the bytes, so that it changes exactly when the file
 * does, whatever the build time or binary. FNV-1a is enough: it only tells
 * versions of one file apart. */
static void compute_etags(void)
{
    etags = calloc(pv_web_asset_count ? pv_web_asset_count : 1, sizeof(*etags));
    for (size_t i = 0; etags != NULL && i < pv_web_asset_count; i++) {
        uint64_t h = 14695981039346656037ull;
        const unsigned char *p = (const unsigned char *)pv_web_assets[i].data;
        for (size_t k = 0; k < *pv_web_assets[i].len; k++)
            h = (h ^ p[k]) * 1099511628211ull;
        snprintf(etags[i], sizeof(etags[i]), "\"%016llx\"", (unsigned long long)h);
    }
}

static const char *content_type_of(const char *path)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
        {".json", "application/json"},
    };
    const char *dot = strrchr(path, '.');

    for (size_t i = 0; dot != NULL && i < sizeof(types) / sizeof(types[0]); i++) {
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    }
    return "text/plain; charset=utf-8"; /* LICENSE and other plain text */
}

/* Whether If-None-Match names this ETag (or is "*"). */
static int etag_matches(h2o_req_t *req, const char *etag)
{
    ssize_t at = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
    h2o_iovec_t v;

    if (at < 0)
        return 0;
    v = req->headers.entries[at].value;
    if (h2o_memis(v.base, v.len, H2O_STRLIT("*")))
        return 1;
    size_t n = strlen(etag);
    for (size_t i = 0; i + n <= v.len; i++) {
        if (memcmp(v.base + i, etag, n) == 0)
            return 1;
    }
    return 0;
}

static void add(h2o_req_t *req, const h2o_token_t *token, const char *value)
{
    h2o_add_header(&req->pool, &req->res.headers, token, NULL, value, strlen(value));
}

int pv_api_web_path(const char *path, size_t len)
{
    return (len == 1 && path[0] == '/') || (len > 5 && memcmp(path, "/web/", 5) == 0);
}

int pv_api_web(pv_server *srv, h2o_req_t *req)
{
    const char *path = req->path_normalized.base;
    size_t len = req->path_normalized.len;
    const pv_web_asset *asset = NULL;
    size_t index = 0;

    (void)srv;
    pthread_once(&etags_once, compute_etags);
    if (len == 1) {
        path = "/index.html";
        len = strlen(path);
    } else {
        path += 4; /* "/web" */
        len -= 4;
    }
    for (size_t i = 0; i < pv_web_asset_count; i++) {
        if (h2o_memis(path, len, pv_web_assets[i].path, strlen(pv_web_assets[i].path))) {
            asset = &pv_web_assets[i];
            index = i;
            break;
        }
    }
    if (asset == NULL)
        return pv_reply_error(req, 404, "not-found", "Not found",
                              "the page has no file %.*s; open / for the page", (int)len, path);
    if (etags != NULL)
        add(req, H2O_TOKEN_ETAG, etags[index]);
    /* Our own modules are revalidated each time (a 304 when unchanged), so
     * a new pivotd is picked up at once; vendored libraries sit under their
     * version and are kept for a year. */
    add(req, H2O_TOKEN_CACHE_CONTROL,
        strncmp(asset->path, VERSIONED_PREFIX, sizeof(VERSIONED_PREFIX) - 1) == 0
            ? "public, max-age=31536000, immutable"
            : "no-cache");
    pv_reply_header(req, "content-security-policy", WEB_CSP);
    pv_reply_header(req, "x-content-type-options", "nosniff");
    pv_reply_header(req, "referrer-policy", "no-referrer");
    if (etags != NULL && etag_matches(req, etags[index])) {
        req->res.status = 304;
        req->res.reason = "Not Modified";
        h2o_send_inline(req, NULL, 0);
        return 0;
    }
    add(req, H2O_TOKEN_CONTENT_TYPE, content_type_of(asset->path));
    req->res.status = 200;
    req->res.reason = "OK";
    req->res.content_length = *asset->len;
    h2o_send_inline(req, asset->data, *asset->len);
    return 0;
}
