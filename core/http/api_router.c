#include "api.h"

#include "auth_gate.h"
#include "http_access.h"
#include "http_metrics.h"
#include "http_reply.h"

#include <string.h>

#define JOBS_PREFIX "/api/v1/pivot/jobs"

static int method_is(h2o_req_t *req, const char *m)
{
    return h2o_memis(req->method.base, req->method.len, m, strlen(m));
}

static int not_allowed(h2o_req_t *req, const char *allow)
{
    pv_reply_header(req, "allow", allow);
    return pv_reply_error(req, 405, "method-not-allowed", "Method not allowed",
                          "%.*s is not allowed on %.*s; allowed: %s", (int)req->method.len,
                          req->method.base, (int)req->path_normalized.len,
                          req->path_normalized.base, allow);
}

static int not_found(h2o_req_t *req)
{
    return pv_reply_error(req, 404, "not-found", "Not found",
                          "there is no resource at %.*s; the API lives under /api/v1/pivot "
                          "(see /api/v1/health)",
                          (int)req->path_normalized.len, req->path_normalized.base);
}

/* A job id from the path: 1 to 31 URL-safe characters; anything else cannot
 * name a job, so it is a 404 like any unknown id. */
static int copy_job_id(const char *p, size_t len, char out[PV_JOB_ID_SIZE])
{
    if (len == 0 || len >= PV_JOB_ID_SIZE)
        return -1;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return -1;
    }
    memcpy(out, p, len);
    out[len] = '\0';
    return 0;
}

int pv_api_job_not_found(h2o_req_t *req)
{
    return pv_reply_error(req, 404, "job-not-found", "Job not found",
                          "no job with this id exists for your key; it may have expired "
                          "(results are kept for a limited time) or belong to another user");
}

static int route_jobs(pv_api_env *env, pv_blocking_task *task, const char *rest, size_t len,
                      const pivot_principal *who)
{
    h2o_req_t *req = task->req;
    char id[PV_JOB_ID_SIZE];
    const char *slash;

    if (len == 0 || (len == 1 && rest[0] == '/')) {
        if (method_is(req, "POST"))
            return pv_api_jobs_create(env, req, who);
        if (method_is(req, "GET") || method_is(req, "HEAD"))
            return pv_api_jobs_list(env, req, who);
        return not_allowed(req, "GET, POST");
    }
    if (rest[0] != '/')
        return not_found(req);
    rest++;
    len--;
    slash = memchr(rest, '/', len);
    if (copy_job_id(rest, slash ? (size_t)(slash - rest) : len, id) != 0)
        return pv_api_job_not_found(req);
    pv_http_note(req, PV_NOTE_JOB_ID, id);
    if (slash == NULL || (size_t)(slash - rest) == len - 1) {
        if (method_is(req, "GET") || method_is(req, "HEAD"))
            return pv_api_jobs_get(env, task, who, id);
        if (method_is(req, "DELETE"))
            return pv_api_jobs_cancel(env, req, who, id);
        return not_allowed(req, "GET, DELETE");
    }
    if (h2o_memis(slash, len - (size_t)(slash - rest), H2O_STRLIT("/download"))) {
        if (method_is(req, "GET") || method_is(req, "HEAD"))
            return pv_api_jobs_download(env, req, who, id);
        return not_allowed(req, "GET, HEAD");
    }
    if (h2o_memis(slash, len - (size_t)(slash - rest), H2O_STRLIT("/preview"))) {
        if (method_is(req, "GET") || method_is(req, "HEAD"))
            return pv_api_jobs_preview(env, req, who, id);
        return not_allowed(req, "GET, HEAD");
    }
    return not_found(req);
}

/* The rest of an /api/v1/pivot route, on a blocking-work thread: every such
 * route needs a key, whether or not it exists, so that the API's shape is
 * not revealed to anonymous callers. */
static void route_authenticated(pv_blocking_task *task, pv_api_env *env)
{
    h2o_req_t *req = task->req;
    const char *path = req->path_normalized.base;
    size_t len = req->path_normalized.len;
    pivot_principal who;

    if (pv_auth_gate(env->server, req, &who) != 0)
        return;
    if (len >= sizeof(JOBS_PREFIX) - 1 && memcmp(path, JOBS_PREFIX, sizeof(JOBS_PREFIX) - 1) == 0) {
        route_jobs(env, task, path + sizeof(JOBS_PREFIX) - 1, len - (sizeof(JOBS_PREFIX) - 1),
                   &who);
        return;
    }
    if (h2o_memis(path, len, H2O_STRLIT("/api/v1/pivot/quota"))) {
        if (!method_is(req, "GET") && !method_is(req, "HEAD"))
            not_allowed(req, "GET, HEAD");
        else
            pv_api_quota(env, req, &who);
        return;
    }
    if (h2o_memis(path, len, H2O_STRLIT("/api/v1/pivot/channels"))) {
        if (!method_is(req, "GET") && !method_is(req, "HEAD"))
            not_allowed(req, "GET, HEAD");
        else
            pv_api_channels(env, req);
        return;
    }
    if (h2o_memis(path, len, H2O_STRLIT("/api/v1/pivot/export"))) {
        if (!method_is(req, "GET") && !method_is(req, "HEAD"))
            not_allowed(req, "GET, HEAD");
        else
            pv_api_export_sync(env, task, &who);
        return;
    }
    if (h2o_memis(path, len, H2O_STRLIT("/api/v1/pivot/presets"))) {
        if (!method_is(req, "GET") && !method_is(req, "HEAD"))
            not_allowed(req, "GET, HEAD");
        else
            pv_api_presets(env, req);
        return;
    }
    not_found(req);
}

/* Which lane works on an /api/v1/pivot request: what may read the data
 * source, write the job store (an fsync, a lock) or read a preview file (up
 * to tens of megabytes) goes to the slow one, so that status polls never
 * queue behind it. */
static pv_lane lane_of(h2o_req_t *req, const char *path, size_t len)
{
    static const char preview[] = "/preview";
    if (method_is(req, "POST") || method_is(req, "DELETE") ||
        h2o_memis(path, len, H2O_STRLIT("/api/v1/pivot/channels")) ||
        h2o_memis(path, len, H2O_STRLIT("/api/v1/pivot/export")) ||
        (len > sizeof(preview) - 1 &&
         memcmp(path + len - (sizeof(preview) - 1), preview, sizeof(preview) - 1) == 0))
        return PV_LANE_SLOW;
    return PV_LANE_QUICK;
}

int pv_api_route(h2o_handler_t *self, h2o_req_t *req)
{
    pv_http_thread *t = pv_http_thread_of(req);
    const char *path = req->path_normalized.base;
    size_t len = req->path_normalized.len;
    h2o_iovec_t origin = pv_http_origin_form(req->path);

    (void)self;
    /* An absolute-form target is routed again by its path, through every
     * path's handlers (the result files have their own). */
    if (origin.base != req->path.base) {
        h2o_send_redirect_internal(req, req->method, origin.base, origin.len, 0);
        return 0;
    }
    /* Health and the OpenAPI text read memory only: answered on the loop. */
    if (h2o_memis(path, len, H2O_STRLIT("/api/v1/health"))) {
        if (!method_is(req, "GET") && !method_is(req, "HEAD"))
            return not_allowed(req, "GET, HEAD");
        return pv_api_health(t->server, req);
    }
    if (h2o_memis(path, len, H2O_STRLIT("/api/v1/openapi.yaml"))) {
        if (!method_is(req, "GET") && !method_is(req, "HEAD"))
            return not_allowed(req, "GET, HEAD");
        return pv_api_openapi(t->server, req);
    }
    /* Peers outside metrics.allow see no such path. */
    if (h2o_memis(path, len, H2O_STRLIT("/metrics")) && pv_http_metrics_allowed(req)) {
        if (!method_is(req, "GET") && !method_is(req, "HEAD"))
            return not_allowed(req, "GET, HEAD");
        return pv_api_metrics(t, req);
    }
    /* The page needs no key: it asks for one, and holds nothing secret. */
    if (pv_api_web_path(path, len)) {
        if (!method_is(req, "GET") && !method_is(req, "HEAD"))
            return not_allowed(req, "GET, HEAD");
        return pv_api_web(t->server, req);
    }
    if (len < 14 || memcmp(path, "/api/v1/pivot", 13) != 0 || (path[13] != '/'))
        return not_found(req);
    pv_blocking_post(t->pool, lane_of(req, path, len),
                     pv_blocking_task_new(req, &t->returned, route_authenticated, NULL));
    return 0;
}
