/*
 * GET /api/v1/pivot/export: SpeedData's original synchronous export, served
 * on top of the job machinery. The query becomes a job like any POSTed one;
 * the request then waits for it without blocking the event loop (a timer
 * re-reads the job row every 100 ms) and answers with the file, through the
 * same file handler as /jobs/{id}/download, or with a problem.
 */
#include "api.h"

#include "export_query.h"
#include "http_reply.h"
#include "log.h"
#include "request.h"
#include "timeutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define FILES_PREFIX "/api/v1/pivot/files/"

/** One waiting request. Lives in the request's pool; its destructor runs when the pool is freed. */
typedef struct export_wait {
    h2o_timeout_entry_t timer; /**< on the context's 100 ms timeout while waiting */
    h2o_req_t *req;
    pv_http_thread *thread; /**< the request's thread, whose job store connection it uses */
    char job_id[PV_JOB_ID_SIZE];
    char owner[PV_USER_SIZE];
    int64_t deadline_ms;
    int answered; /**< a response was started; the pool may outlive it */
} export_wait;

/* Cancels w's job if it is still queued or running: its client is gone and
 * nobody will fetch the file. */
static void cancel_abandoned(export_wait *w)
{
    pv_http_thread *t = w->thread;
    pv_cancel_outcome outcome;
    char *file = NULL;
    pv_job job;

    if (pv_jobstore_get(t->jobs, w->job_id, w->owner, &job) != 0)
        return;
    if ((job.status == PV_JOB_QUEUED || job.status == PV_JOB_PROCESSING) &&
        pv_jobstore_cancel(t->jobs, w->job_id, w->owner, &outcome, &file) == 0) {
        pv_log(PIVOT_LOG_INFO, "pivotd", "job %s: the client of GET /export left; cancelled",
               w->job_id);
        if (outcome == PV_CANCEL_REQUESTED)
            pv_server_wake_scheduler(t->server);
    }
    free(file);
    pv_job_clear(&job);
}

/* h2o frees the pool of a request whose connection closed under it
 * (shutdown): the timer must go, and an unanswered job with it. */
static void on_dispose(void *p)
{
    export_wait *w = p;

    if (h2o_timeout_is_linked(&w->timer))
        h2o_timeout_unlink(&w->timer);
    if (!w->answered)
        cancel_abandoned(w);
}

/* HTTP/1 in h2o does not read a connection while its request is handled,
 * so a client that hangs up goes unnoticed until the answer is written.
 * Peeking at the socket finds the end of stream (or a reset) at once;
 * pipelined bytes, or none yet, mean the client is still there. */
static int client_gone(h2o_req_t *req)
{
    h2o_socket_t *sock;
    char c;
    ssize_t n;

    if (req->conn->callbacks->get_socket == NULL)
        return 0;
    sock = req->conn->callbacks->get_socket(req->conn);
    if (sock == NULL || h2o_socket_get_fd(sock) < 0)
        return 0;
    n = recv(h2o_socket_get_fd(sock), &c, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static void send_file(export_wait *w, const pv_job *job)
{
    char url[256];
    int n = snprintf(url, sizeof(url), FILES_PREFIX "%s", job->file_name);
    h2o_iovec_t copy = h2o_strdup(&w->req->pool, url, (size_t)n);
    /* The guard on /files checks the key again and the file handler sends the
     * file with Content-Length, Range and ETag support. */
    h2o_send_redirect_internal(w->req, w->req->method, copy.base, copy.len, 0);
}

/* Answers w's request from the job's state; returns 0 when it answered, 1
 * when the job is still running and the wait goes on. */
static int answer(export_wait *w, pv_http_thread *t)
{
    char location[128];
    pv_job job;
    int rc = pv_jobstore_get(t->jobs, w->job_id, w->owner, &job);

    if (rc != 0 && rc != PIVOT_ENOENT)
        return 1; /* a busy store is retried at the next tick */
    w->answered = 1;
    snprintf(location, sizeof(location), "/api/v1/pivot/jobs/%s", w->job_id);
    if (rc == PIVOT_ENOENT) {
        pv_reply_error(w->req, 410, "export-cancelled", "The export was cancelled",
                       "job %s was deleted while this request waited for it", w->job_id);
        return 0;
    }
    switch (job.status) {
    case PV_JOB_COMPLETED:
    case PV_JOB_EXPIRED:
        if (job.status == PV_JOB_COMPLETED && job.file_name != NULL) {
            send_file(w, &job);
            break;
        }
        pv_reply_error(w->req, 410, "result-gone", "The result file is gone",
                       "job %s finished but its file no longer exists; request the export again",
                       w->job_id);
        break;
    case PV_JOB_FAILED:
        pv_reply_header(w->req, "location", location);
        pv_reply_error(w->req, 500, "export-failed", "The export failed", "job %s failed: %s",
                       w->job_id, job.error != NULL ? job.error : "no reason recorded");
        break;
    case PV_JOB_CANCELLED:
        pv_reply_header(w->req, "location", location);
        pv_reply_error(w->req, 409, "export-cancelled", "The export was cancelled",
                       "job %s was cancelled while this request waited for it", w->job_id);
        break;
    default:
        if (pv_now_ms() < w->deadline_ms) {
            w->answered = 0;
            pv_job_clear(&job);
            return 1;
        }
        /* The job keeps running: the caller can still fetch it with the job API. */
        pv_reply_header(w->req, "location", location);
        pv_reply_header(w->req, "retry-after", "1");
        pv_reply_error(w->req, 504, "export-timeout", "The export did not finish in time",
                       "job %s is still %s after %lld s (api.limits.max_sync_wait); poll "
                       "GET %s and download the result when it is completed",
                       w->job_id, pv_job_status_name(job.status),
                       (long long)t->server->config->sync_max_wait_s, location);
        break;
    }
    pv_job_clear(&job);
    return 0;
}

static void on_tick(h2o_timeout_entry_t *entry)
{
    export_wait *w = H2O_STRUCT_FROM_MEMBER(export_wait, timer, entry);
    pv_http_thread *t = w->thread;
    if (client_gone(w->req)) {
        cancel_abandoned(w);
        w->answered = 1;
        /* Nobody reads it; answering lets h2o close the connection and free the request. */
        pv_reply_error(w->req, 409, "export-cancelled", "The export was cancelled",
                       "the client closed the connection; job %s was cancelled", w->job_id);
        return;
    }
    if (answer(w, t) != 0)
        h2o_timeout_link(t->ctx.loop, &t->ctx.hundred_ms_timeout, &w->timer);
}

/* Builds, validates and stores the job; returns 0, or -1 after answering. */
static int submit(pv_http_thread *t, h2o_req_t *req, const pivot_principal *who, pv_job *job)
{
    pv_server *srv = t->server;
    const pv_config *cfg = srv->config;
    pv_request_env env = {srv->registry, cfg, srv->source, t->source_ctx, pv_now_ns()};
    const char *query = req->query_at != SIZE_MAX ? req->path.base + req->query_at + 1 : NULL;
    size_t qlen = query != NULL ? req->path.len - req->query_at - 1 : 0;
    int64_t max_ns = (int64_t)cfg->sync_max_range_minutes * 60 * 1000000000LL;
    pv_problem problem;
    char *body = NULL;
    size_t body_len = 0;
    int rc = -1;

    if (pv_export_query_to_job(query, qlen, cfg, &body, &body_len, &problem) != 0)
        goto problem;
    if (pv_request_validate(&env, body, body_len, job, &problem) != 0) {
        pv_export_query_field(&problem);
        goto problem;
    }
    if (job->range_end_ns - job->range_start_ns > max_ns) {
        pv_problem_set(&problem, 413, "time-range-too-long", "Time range too long", "start",
                       "the range is %.1f minutes; this endpoint exports at most %d minutes at "
                       "once (api.limits.max_time_range_minutes); " PV_EXPORT_JOB_API_HINT,
                       (double)(job->range_end_ns - job->range_start_ns) / 60e9,
                       cfg->sync_max_range_minutes);
        goto problem;
    }
    /* The same quotas as a POSTed job, checked with the insert; it answers
     * the request itself when it does not store the job. */
    if (pv_api_submit(t, req, who, job) != 0)
        goto out;
    pv_server_wake_scheduler(srv);
    rc = 0;
    goto out;
problem:
    pv_reply_problem(req, &problem);
out:
    free(body);
    return rc;
}

int pv_api_export_sync(pv_http_thread *t, h2o_req_t *req, const pivot_principal *who)
{
    pv_job job = {0};
    export_wait *w;

    if (submit(t, req, who, &job) != 0)
        goto out;
    w = h2o_mem_alloc_shared(&req->pool, sizeof(*w), on_dispose);
    memset(w, 0, sizeof(*w));
    w->req = req;
    w->thread = t;
    w->timer.cb = on_tick;
    snprintf(w->job_id, sizeof(w->job_id), "%s", job.id);
    snprintf(w->owner, sizeof(w->owner), "%s", job.owner);
    w->deadline_ms = job.created_ms + t->server->config->sync_max_wait_s * 1000;
    h2o_timeout_link(t->ctx.loop, &t->ctx.hundred_ms_timeout, &w->timer);
out:
    pv_job_clear(&job);
    return 0;
}
