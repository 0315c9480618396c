#include "api.h"

#include "http_access.h"
#include "http_query.h"
#include "http_reply.h"
#include "job_json.h"
#include "json_out.h"
#include "log.h"
#include "request.h"
#include "state_dir.h"
#include "timeutil.h"

#include <errno.h>
#include <limits.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_PAGE_SIZE 20

static int store_error(h2o_req_t *req, pv_api_env *env)
{
    return pv_api_store_error(req, env->jobs, "job store");
}

static int reply_job(pv_api_env *env, h2o_req_t *req, int status, const pv_job *job,
                     const char *action)
{
    yajl_gen g = pv_json_gen_new();
    int rc;
    if (g == NULL)
        return -1;
    pv_job_view view = {env->server->config->retention_s, 0, action};
    if (job->status == PV_JOB_QUEUED)
        pv_jobstore_queue_position(env->jobs, job, &view.queue_position);
    pv_job_json(g, job, &view);
    rc = pv_reply_json(req, status, g);
    yajl_gen_free(g);
    return rc;
}

/* The body of a 202 (or of the 200 that answers a repeated idempotent POST). */
static int reply_created(pv_api_env *env, h2o_req_t *req, int status, const pv_job *job)
{
    char location[128];
    yajl_gen g = pv_json_gen_new();
    int rc;

    if (g == NULL)
        return -1;
    snprintf(location, sizeof(location), "/api/v1/pivot/jobs/%s", job->id);
    yajl_gen_map_open(g);
    pv_json_key_str(g, "job_id", job->id);
    pv_json_key_str(g, "status", pv_job_status_name(job->status));
    pv_json_key_time_ms(g, "created_at", job->created_ms);
    pv_json_key_str(g, "status_url", location);
    pv_api_gen_missing_data(env, g, job);
    yajl_gen_map_close(g);
    pv_reply_header(req, "location", location);
    pv_reply_header(req, "retry-after", "1");
    rc = pv_reply_json(req, status, g);
    yajl_gen_free(g);
    return rc;
}

/* Reads Idempotency-Key: 1 to 255 visible ASCII characters. Returns 0 with
 * *key NULL when absent, or answers 400 itself and returns -1. */
static int idempotency_key(h2o_req_t *req, char *key, size_t len, const char **out)
{
    ssize_t i = h2o_find_header_by_str(&req->headers, H2O_STRLIT("idempotency-key"), -1);
    h2o_iovec_t v;

    *out = NULL;
    if (i < 0)
        return 0;
    v = req->headers.entries[i].value;
    for (size_t c = 0; c < v.len; c++) {
        if (v.base[c] < 0x21 || v.base[c] > 0x7e)
            v.len = 0; /* refused below */
    }
    if (v.len == 0 || v.len >= len || v.len > 255) {
        pv_reply_error(req, 400, "invalid-header", "Invalid header",
                       "Idempotency-Key: use 1 to 255 visible ASCII characters, e.g. a UUID");
        return -1;
    }
    memcpy(key, v.base, v.len);
    key[v.len] = '\0';
    *out = key;
    return 0;
}

/* A POST repeating an Idempotency-Key: the same body gets the original job,
 * another body is refused. Returns 1 when it answered, 0 when the key is new. */
static int replay_idempotent(pv_api_env *env, h2o_req_t *req, const char *owner, const char *key,
                             int *rc)
{
    pv_job old;
    if (pv_jobstore_find_idempotent(env->jobs, owner, key, &old) != 0)
        return 0;
    pv_http_note(req, PV_NOTE_JOB_ID, old.id);
    if (old.request != NULL && strlen(old.request) == req->entity.len &&
        memcmp(old.request, req->entity.base, req->entity.len) == 0)
        *rc = reply_created(env, req, 200, &old);
    else
        *rc = pv_reply_error(req, 422, "idempotency-key-reused", "Idempotency key reused",
                             "this Idempotency-Key was used for job %s with a different body; "
                             "use a new key for a new job",
                             old.id);
    pv_job_clear(&old);
    return 1;
}

/* dry_run= in the query: 1 true, 0 false or absent, -1 neither. */
static int parse_dry_run(h2o_req_t *req)
{
    pv_query_iter it;
    h2o_iovec_t key, val;
    int dry_run = 0;

    pv_query_begin(req, &it);
    while (pv_query_next(&it, &key, &val)) {
        if (!pv_query_key_is(key, "dry_run"))
            continue;
        if (pv_query_key_is(val, "true") || pv_query_key_is(val, "1"))
            dry_run = 1;
        else if (pv_query_key_is(val, "false") || pv_query_key_is(val, "0"))
            dry_run = 0;
        else
            return -1;
    }
    return dry_run;
}

int pv_api_jobs_create(pv_api_env *env, h2o_req_t *req, const pivot_principal *who)
{
    pv_server *srv = env->server;
    pv_request_env renv = {srv->registry, srv->config, srv->source, env->source_ctx,
                           pv_time_now_ns()};
    pv_problem problem;
    pv_job job = {0};
    char key_buf[256];
    const char *key;
    int dry_run, rc = 0;

    if (req->entity.len > srv->config->max_request_bytes) {
        rc = pv_reply_error(req, 413, "request-too-large", "Request too large",
                            "the body has %zu bytes; a job request may have at most %zu "
                            "(api.limits.max_request_bytes)",
                            req->entity.len, srv->config->max_request_bytes);
        goto out;
    }
    dry_run = parse_dry_run(req);
    if (dry_run < 0) {
        rc = pv_reply_error(req, 400, "invalid-query", "Invalid query parameter",
                            "dry_run: use true or false");
        goto out;
    }
    if (dry_run) {
        /* Checked and resolved as a submission, but nothing is stored. */
        if (pv_request_validate(&renv, req->entity.base, req->entity.len, &job, &problem) != 0)
            rc = pv_reply_problem(req, &problem);
        else
            rc = pv_api_jobs_dry_run(env, req, &job);
        goto out;
    }
    if (idempotency_key(req, key_buf, sizeof(key_buf), &key) != 0)
        goto out;
    if (key != NULL && replay_idempotent(env, req, who->user, key, &rc))
        goto out;
    if (pv_request_validate(&renv, req->entity.base, req->entity.len, &job, &problem) != 0) {
        rc = pv_reply_problem(req, &problem);
        goto out;
    }
    job.idempotency_key = key != NULL ? strdup(key) : NULL;
    switch (pv_api_submit(env, req, who, &job)) {
    case 0:
        break;
    case PIVOT_EEXIST:
        /* Two POSTs with one key raced: the loser answers like a replay. */
        if (!replay_idempotent(env, req, who->user, key, &rc))
            rc = pv_reply_error(req, 500, "internal-error", "Internal error",
                                "the Idempotency-Key's job could not be read; try again");
        goto out;
    default:
        goto out;
    }
    pv_server_wake_scheduler(srv);
    rc = reply_created(env, req, 202, &job);
out:
    pv_job_clear(&job);
    return rc;
}

int pv_api_reply_job_status(pv_api_env *env, h2o_req_t *req, const pv_job *job)
{
    char etag[64];

    pv_api_job_etag(job, etag, sizeof(etag));
    pv_reply_header(req, "etag", etag);
    if (job->status == PV_JOB_QUEUED || job->status == PV_JOB_PROCESSING)
        pv_reply_header(req, "retry-after", "1");
    return reply_job(env, req, 200, job, NULL);
}

int pv_api_jobs_get(pv_api_env *env, pv_blocking_task *task, const pivot_principal *who,
                    const char *id)
{
    h2o_req_t *req = task->req;
    pv_problem problem;
    int64_t wait_ms;
    pv_job job;
    int rc;

    if (pv_api_wait_param(req, &wait_ms, &problem) != 0)
        return pv_reply_problem(req, &problem);
    rc = pv_jobstore_get(env->jobs, id, pv_api_owner_filter(who), &job);
    if (rc == PIVOT_ENOENT)
        return pv_api_job_not_found(req);
    if (rc != 0)
        return store_error(req, env);
    /* A running job the client has seen as it is now: wait for a change. */
    if (wait_ms > 0 && !pv_api_job_is_final(&job) && !pv_api_job_unseen(req, &job)) {
        pv_api_job_wait(task, who, &job, wait_ms);
        pv_job_clear(&job);
        return 0;
    }
    rc = pv_api_reply_job_status(env, req, &job);
    pv_job_clear(&job);
    return rc;
}

/* A page size or number: the integer grammar, kept below 10^9 so that
 * page * limit cannot overflow; -1 when the value is not one. */
static int64_t parse_count(const char *v, size_t len)
{
    char why[PIVOT_ERRMSG_SIZE];
    int64_t n;
    return pivot_int_parse(v, len, 0, 999999999, &n, why, sizeof(why)) == 0 ? n : -1;
}

/* "completed,failed" -> a mask of statuses; -1 when a name is unknown. */
static int parse_status_list(const char *text, int complete, unsigned *mask)
{
    char name[32];
    *mask = 0;
    if (!complete || text[0] == '\0')
        return -1;
    while (*text != '\0') {
        size_t len = strcspn(text, ",");
        int status;
        if (len == 0 || len >= sizeof(name))
            return -1;
        memcpy(name, text, len);
        name[len] = '\0';
        status = pv_job_status_parse(name);
        if (status < 0)
            return -1;
        *mask |= 1u << status;
        /* "completed," names an empty status, as ",completed" does. */
        if (text[len] == ',' && text[len + 1] == '\0')
            return -1;
        text += len + (text[len] == ',');
    }
    return 0;
}

typedef struct list_query {
    unsigned status_mask;
    int64_t limit;
    int64_t page;
    char owner[PV_USER_SIZE]; /**< owner=NAME (admins only), or empty */
} list_query;

/* owner=NAME: a user name, percent-decoded (%40 for '@'...). Returns 0 or -1. */
static int parse_owner(h2o_iovec_t value, char out[PV_USER_SIZE])
{
    ssize_t n = pv_query_decode(value, out, PV_USER_SIZE);

    if (n <= 0)
        return -1;
    for (ssize_t i = 0; i < n; i++) {
        char c = out[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '+' || c == '-'))
            return -1;
    }
    return 0;
}

static int parse_list_query(h2o_req_t *req, int64_t max_limit, list_query *q, pv_problem *pb)
{
    pv_query_iter it;
    h2o_iovec_t key, val;

    q->status_mask = PV_JOB_ANY_STATUS;
    q->limit = DEFAULT_PAGE_SIZE;
    q->page = 1;
    q->owner[0] = '\0';
    pv_query_begin(req, &it);
    while (pv_query_next(&it, &key, &val)) {
        char quoted[300], raw[128];
        snprintf(raw, sizeof(raw), "%.*s", (int)(val.len < 100 ? val.len : 100), val.base);
        pv_problem_quote(raw, quoted, sizeof(quoted));
        if (pv_query_key_is(key, "status")) {
            if (parse_status_list(raw, val.len < 100, &q->status_mask) != 0)
                return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter", "status",
                                      "status: \"%s\" is not a list of job statuses; use "
                                      "queued, processing, completed, failed, cancelled or "
                                      "expired, several separated by commas",
                                      quoted);
        } else if (pv_query_key_is(key, "limit")) {
            q->limit = parse_count(val.base, val.len);
            if (q->limit < 1 || q->limit > max_limit)
                return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter", "limit",
                                      "limit: \"%s\" is not a page size; use 1 to %lld", quoted,
                                      (long long)max_limit);
        } else if (pv_query_key_is(key, "page")) {
            q->page = parse_count(val.base, val.len);
            if (q->page < 1)
                return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter", "page",
                                      "page: \"%s\" is not a page number; pages count from 1",
                                      quoted);
        } else if (pv_query_key_is(key, "owner")) {
            if (parse_owner(val, q->owner) != 0)
                return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter", "owner",
                                      "owner: \"%s\" is not a user name", quoted);
        }
        /* Other parameters (cache busters...) are ignored. */
    }
    return 0;
}

typedef struct list_state {
    yajl_gen g;
    pv_api_env *env;
} list_state;

static int list_one(void *arg, const pv_job *job)
{
    list_state *st = arg;
    pv_job_view view = {st->env->server->config->retention_s, 0, NULL};
    if (job->status == PV_JOB_QUEUED)
        pv_jobstore_queue_position(st->env->jobs, job, &view.queue_position);
    pv_job_json(st->g, job, &view);
    return 0;
}

int pv_api_jobs_list(pv_api_env *env, h2o_req_t *req, const pivot_principal *who)
{
    list_query q;
    pv_problem problem;
    int64_t total = 0;
    list_state st = {NULL, env};
    int rc;

    const char *owner = pv_api_owner_filter(who);

    if (parse_list_query(req, env->server->config->list_limit_max, &q, &problem) != 0)
        return pv_reply_problem(req, &problem);
    /* owner= narrows an admin's view to one user; a user may only name
     * themself (the answer says nothing about whether others exist). */
    if (q.owner[0] != '\0' && owner != NULL && strcmp(q.owner, owner) != 0) {
        pv_problem_set(&problem, 400, "invalid-query", "Invalid query parameter", "owner",
                       "owner: only administrators may list other users' jobs; leave owner out "
                       "to list yours");
        return pv_reply_problem(req, &problem);
    }
    if (q.owner[0] != '\0')
        owner = q.owner;
    st.g = pv_json_gen_new();
    if (st.g == NULL)
        return -1;
    yajl_gen_map_open(st.g);
    pv_json_str(st.g, "jobs");
    yajl_gen_array_open(st.g);
    rc = pv_jobstore_list(env->jobs, owner, q.status_mask, q.limit, (q.page - 1) * q.limit, &total,
                          list_one, &st);
    if (rc != 0) {
        yajl_gen_free(st.g);
        return store_error(req, env);
    }
    yajl_gen_array_close(st.g);
    pv_json_key_int(st.g, "total", total);
    pv_json_key_int(st.g, "page", q.page);
    pv_json_key_int(st.g, "limit", q.limit);
    pv_json_key_int(st.g, "pages", total == 0 ? 0 : (total + q.limit - 1) / q.limit);
    yajl_gen_map_close(st.g);
    rc = pv_reply_json(req, 200, st.g);
    yajl_gen_free(st.g);
    return rc;
}

int pv_api_jobs_cancel(pv_api_env *env, h2o_req_t *req, const pivot_principal *who, const char *id)
{
    pv_cancel_outcome outcome;
    char *file = NULL, path[PATH_MAX];
    const char *owner = pv_api_owner_filter(who);
    pv_job job;
    int rc;

    /* Read first so the response can show the job as it was when deleted. */
    rc = pv_jobstore_get(env->jobs, id, owner, &job);
    if (rc == 0)
        rc = pv_jobstore_cancel(env->jobs, id, owner, &outcome, &file);
    if (rc == PIVOT_ENOENT) {
        pv_job_clear(&job);
        return pv_api_job_not_found(req);
    }
    if (rc != 0) {
        pv_job_clear(&job);
        return store_error(req, env);
    }
    if (file != NULL &&
        pv_state_result_path(env->server->results_dir, file, path, sizeof(path)) == 0 &&
        unlink(path) != 0 && errno != ENOENT)
        pv_log(PIVOT_LOG_WARNING, "pivotd", "job %s: cannot remove %s: %s", id, path,
               strerror(errno));
    if (file != NULL)
        pv_state_remove_preview(env->server->results_dir, file);
    free(file);
    /* A queued job ends here; a deleted one is gone: whoever waits for it
     * (GET /export) answers now. A processing job ends when its worker does. */
    if (outcome != PV_CANCEL_REQUESTED)
        pv_server_job_ended(env->server, id);
    switch (outcome) {
    case PV_CANCEL_DONE:
        pv_job_clear(&job);
        pv_jobstore_get(env->jobs, id, owner, &job);
        rc = reply_job(env, req, 200, &job, "cancelled");
        break;
    case PV_CANCEL_REQUESTED:
        /* The worker stops at its next batch; the status turns cancelled. */
        pv_server_wake_scheduler(env->server);
        pv_reply_header(req, "retry-after", "1");
        rc = reply_job(env, req, 202, &job, "cancelling");
        break;
    case PV_CANCEL_DELETED:
    default:
        rc = reply_job(env, req, 200, &job, "deleted");
        break;
    }
    pv_job_clear(&job);
    return rc;
}
