#include "http_access.h"

#include "auth_gate.h"
#include "log.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#define ID_ENV "pivot.request_id"
#define MAX_ID 128

/* A fresh id: 96 random bits as hex, from a per-thread generator seeded by
 * getrandom once, so that the loop makes no system call per request. */
static void new_id(char out[25])
{
    static __thread uint64_t state[2];
    uint64_t a, b;

    if (state[0] == 0 && state[1] == 0) {
        if (getrandom(state, sizeof(state), 0) != (ssize_t)sizeof(state) ||
            (state[0] == 0 && state[1] == 0))
            state[0] = (uint64_t)(uintptr_t)&state ^ 0x9e3779b97f4a7c15ULL;
    }
    /* xorshift128+ */
    a = state[0];
    b = state[1];
    state[0] = b;
    a ^= a << 23;
    state[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
    uint64_t hi = state[1] + b;
    a = state[0];
    b = state[1];
    state[0] = b;
    a ^= a << 23;
    state[1] = a ^ b ^ (a >> 17) ^ (b >> 26);
    uint64_t lo = state[1] + b;
    snprintf(out, 25, "%016llx%08llx", (unsigned long long)hi,
             (unsigned long long)(lo & 0xffffffffULL));
}

/* A proxy's id is kept when it cannot break a log line or a header. */
static int usable_id(const char *s, size_t n)
{
    if (n == 0 || n > MAX_ID)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '='))
            return 0;
    }
    return 1;
}

static h2o_iovec_t *env_of(h2o_req_t *req, const char *name, int create)
{
    return h2o_req_getenv(req, name, strlen(name), create);
}

static int on_req(h2o_handler_t *self, h2o_req_t *req)
{
    h2o_iovec_t *id = env_of(req, ID_ENV, 0);
    char fresh[25];

    (void)self;
    /* A request routed again (an internal redirect) keeps its id. */
    if (id == NULL) {
        ssize_t at = h2o_find_header_by_str(&req->headers, H2O_STRLIT("x-request-id"), -1);
        id = env_of(req, ID_ENV, 1);
        if (at >= 0 &&
            usable_id(req->headers.entries[at].value.base, req->headers.entries[at].value.len)) {
            *id = h2o_strdup(&req->pool, req->headers.entries[at].value.base,
                             req->headers.entries[at].value.len);
        } else {
            new_id(fresh);
            *id = h2o_strdup(&req->pool, fresh, strlen(fresh));
        }
    }
    h2o_set_header_by_str(&req->pool, &req->res.headers, H2O_STRLIT("x-request-id"), 0, id->base,
                          id->len, 1);
    return -1;
}

void pv_http_request_id_attach(h2o_pathconf_t *pathconf)
{
    h2o_handler_t *h = h2o_create_handler(pathconf, sizeof(*h));
    h->on_req = on_req;
}

void pv_http_note(h2o_req_t *req, const char *name, const char *value)
{
    h2o_iovec_t *slot = env_of(req, name, 1);
    *slot = h2o_strdup(&req->pool, value, strlen(value));
}

static const char *noted(h2o_req_t *req, const char *name, char *out, size_t len)
{
    h2o_iovec_t *v = env_of(req, name, 0);
    if (v == NULL)
        return NULL;
    snprintf(out, len, "%.*s", (int)v->len, v->base);
    return out;
}

void pv_http_access_log(h2o_req_t *req, const char *route, double seconds)
{
    char id[MAX_ID + 1], user[128], job[64], method[16], path[256], status[8], ms[32], peer[64],
        message[512];
    h2o_iovec_t p = req->input.path;
    const char *q = memchr(p.base, '?', p.len);

    /* The path without its query, which may carry what a log should not keep. */
    snprintf(path, sizeof(path), "%.*s", (int)(q != NULL ? (size_t)(q - p.base) : p.len), p.base);
    for (char *c = path; *c != '\0'; c++)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
            *c = '?';
    snprintf(method, sizeof(method), "%.*s", (int)req->method.len, req->method.base);
    snprintf(status, sizeof(status), "%d", req->res.status);
    snprintf(ms, sizeof(ms), "%.3f", seconds * 1000);
    pv_http_peer_address(req, peer, sizeof(peer));
    snprintf(message, sizeof(message), "%s %s %s", method, path, status);
    pv_log_field fields[] = {
        {"request_id", noted(req, ID_ENV, id, sizeof(id))},
        {"method", method},
        {"path", path},
        {"route", route},
        {"status", status},
        {"duration_ms", ms},
        {"peer", peer[0] != '\0' ? peer : NULL},
        {"user", noted(req, PV_NOTE_USER, user, sizeof(user))},
        {"job_id", noted(req, PV_NOTE_JOB_ID, job, sizeof(job))},
    };
    pv_log_event(PIVOT_LOG_INFO, "pivotd", "access", message, fields,
                 sizeof(fields) / sizeof(fields[0]));
}
