#include "http_reply.h"

#include "http_metrics.h"
#include "metrics.h"

#include "http_server.h"
#include "json_out.h"
#include "log.h"
#include "utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The task whose request this blocking-work thread answers, if any. */
static __thread pv_blocking_task *deferring;

void pv_reply_defer_to(pv_blocking_task *task)
{
    deferring = task;
}

/* The plan of req's answer when it is being worked on off the loop. */
static pv_reply_plan *deferred_plan(h2o_req_t *req)
{
    return deferring != NULL && deferring->req == req ? &deferring->plan : NULL;
}

void pv_reply_redirect(h2o_req_t *req, const char *path, size_t len)
{
    h2o_iovec_t copy = h2o_strdup(&req->pool, path, len);
    pv_reply_plan *plan = deferred_plan(req);

    if (plan == NULL) {
        h2o_send_redirect_internal(req, req->method, copy.base, copy.len, 0);
        return;
    }
    plan->kind = PV_REPLY_REDIRECT;
    plan->target = copy;
}

void pv_reply_flush(h2o_req_t *req, const pv_reply_plan *plan)
{
    switch (plan->kind) {
    case PV_REPLY_INLINE:
        h2o_send_inline(req, plan->body.base, plan->body.len);
        break;
    case PV_REPLY_REDIRECT:
        h2o_send_redirect_internal(req, req->method, plan->target.base, plan->target.len, 0);
        break;
    case PV_REPLY_NONE:
    default:
        pv_log(PIVOT_LOG_ERROR, "pivotd", "%.*s %.*s: no answer was made", (int)req->method.len,
               req->method.base, (int)req->path_normalized.len, req->path_normalized.base);
        pv_reply_error(req, 500, "internal-error", "Internal error",
                       "the request was not answered; try again");
        break;
    }
}

void pv_reply_header(h2o_req_t *req, const char *name, const char *value)
{
    h2o_iovec_t v = h2o_strdup(&req->pool, value, strlen(value));
    h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 1, NULL, v.base,
                          v.len);
}

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Content Too Large";
    case 416:
        return "Range Not Satisfiable";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    default:
        return "";
    }
}

/* JSON bodies end with a newline, so that consecutive answers printed by
 * curl or cat do not run together. */
static int send_body(h2o_req_t *req, int status, const char *content_type,
                     const unsigned char *json, size_t json_len)
{
    size_t len = json_len + 1;
    char *body = h2o_mem_alloc_pool(&req->pool, len);

    memcpy(body, json, json_len);
    body[json_len] = '\n';
    req->res.status = status;
    req->res.reason = reason_phrase(status);
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL, content_type,
                   strlen(content_type));
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                   H2O_STRLIT("no-store"));
    pv_reply_plan *plan = deferred_plan(req);
    if (plan != NULL) {
        /* The loop sends it (pv_reply_flush); the pool outlives the buffer. */
        plan->kind = PV_REPLY_INLINE;
        plan->body = h2o_iovec_init(body, len);
        return 0;
    }
    /* h2o_send_inline copies the body into the request's pool. */
    h2o_send_inline(req, body, len);
    return 0;
}

int pv_reply_body(h2o_req_t *req, int status, const char *content_type, const char *body,
                  size_t len)
{
    return send_body(req, status, content_type, (const unsigned char *)body, len);
}

int pv_reply_json(h2o_req_t *req, int status, yajl_gen g)
{
    const unsigned char *buf;
    size_t len;
    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok) {
        pv_problem p;
        pv_problem_set(&p, 500, "internal-error", "Internal error", NULL,
                       "the response could not be encoded");
        return pv_reply_problem(req, &p);
    }
    return send_body(req, status, "application/json", buf, len);
}

/* Rewrites text in place into one line of valid UTF-8: control bytes become
 * spaces and bytes that do not start a complete UTF-8 sequence become '?'.
 * Paths, methods and member names come from the client and may hold any
 * byte, or be cut in the middle of a character by truncation; yajl refuses
 * to encode such a string and the response would lose its detail. */
static void make_utf8_line(char *text)
{
    unsigned char *c = (unsigned char *)text;
    while (*c != '\0') {
        /* The terminating NUL is no continuation byte: a cut sequence stops there. */
        size_t n = pv_utf8_sequence(c, 4);
        if (n == 0) {
            *c++ = '?';
            continue;
        }
        if (n == 1 && (*c < 0x20 || *c == 0x7f))
            *c = ' ';
        c += n;
    }
}

int pv_reply_problem(h2o_req_t *req, const pv_problem *p)
{
    char type[128], instance[1024], detail[sizeof(p->detail)], field[sizeof(p->field)];
    const unsigned char *buf;
    size_t len;
    yajl_gen g = pv_json_gen_new();
    int rc;

    if (g == NULL)
        return -1;
    if (pv_http_is_submission(req))
        pv_metrics_submission_refused(p->type);
    snprintf(type, sizeof(type), "/api/v1/problems/%s", p->type);
    size_t query_at, *norm_indexes = NULL;
    /* The path the client sent, not req->path_normalized: an internal
     * redirect (the download of a result file) rewrites the latter to a
     * path inside the server that the client must not see. */
    h2o_iovec_t target = pv_http_origin_form(req->input.path);
    h2o_iovec_t path =
        h2o_url_normalize_path(&req->pool, target.base, target.len, &query_at, &norm_indexes);
    snprintf(instance, sizeof(instance), "%.*s", (int)path.len, path.base);
    snprintf(detail, sizeof(detail), "%s", p->detail);
    snprintf(field, sizeof(field), "%s", p->field);
    make_utf8_line(instance);
    make_utf8_line(detail);
    make_utf8_line(field);
    yajl_gen_map_open(g);
    pv_json_key_str(g, "type", type);
    pv_json_key_str(g, "title", p->title);
    pv_json_key_int(g, "status", p->status);
    pv_json_key_str(g, "detail", detail);
    pv_json_key_str(g, "instance", instance);
    if (field[0] != '\0')
        pv_json_key_str(g, "field", field);
    yajl_gen_map_close(g);
    yajl_gen_get_buf(g, &buf, &len);
    rc = send_body(req, p->status, "application/problem+json", buf, len);
    yajl_gen_free(g);
    return rc;
}

int pv_reply_error(h2o_req_t *req, int status, const char *type, const char *title, const char *fmt,
                   ...)
{
    pv_problem p;
    va_list ap;
    pv_problem_set(&p, status, type, title, NULL, "%s", "");
    va_start(ap, fmt);
    vsnprintf(p.detail, sizeof(p.detail), fmt, ap);
    va_end(ap);
    return pv_reply_problem(req, &p);
}
