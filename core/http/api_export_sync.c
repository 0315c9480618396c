/*
 * GET /api/v1/pivot/export: SpeedData's original synchronous export, served
 * on top of the job machinery. The query becomes a job like any POSTed one;
 * the request then waits for it without blocking the event loop and answers
 * with the file, through the same file handler as /jobs/{id}/download, or
 * with a problem.
 *
 * The wait is driven by events, each of which sends one job-store read (or
 * the cancel of an abandoned job) to a blocking-work thread: the job's end
 * (job_watch.h, told by the scheduler when a worker exits and by the API
 * when a queued job is cancelled), the deadline (api.limits.max_sync_wait),
 * and a look at the socket once a second, which tells whether the client
 * is still there without reading anything.
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

/**
 * One waiting request. Lives in the request's pool; its destructor runs when
 * the pool is freed, after the answer: every answer comes back from a
 * blocking-work thread, so none is sent while the task is away.
 */
typedef struct export_wait {
    pv_job_watch watch;
    pv_blocking_task task;        /**< the read or cancel in flight, at most one */
    h2o_timeout_entry_t deadline; /**< on the loop's sync_wait timeout */
    h2o_timeout_entry_t look;     /**< on the one-second timeout: is the client there? */
    h2o_req_t *req;
    pv_http_thread *thread; /**< the request's loop */
    char job_id[PV_JOB_ID_SIZE];
    char owner[PV_USER_SIZE];
    int64_t deadline_ms;
    /* The loop's own: */
    int in_flight;    /**< task is on a blocking-work thread */
    int again;        /**< an event came meanwhile: read the job again when it is back */
    int deadline_hit; /**< the deadline timer fired */
    int client_gone;  /**< the client left: cancel the job */
    /* Handed over with the task, read or written only by its thread while
     * it is in flight: */
    int out_of_time; /**< the deadline passed: answer 504 if still running */
    int read_failed; /**< the read found the store busy: try at the next look */
} export_wait;

/* Cancels w's job if it is still queued or running: its client is gone and
 * nobody will fetch the file. */
static void cancel_abandoned(pv_api_env *env, export_wait *w)
{
    pv_cancel_outcome outcome;
    char *file = NULL;
    pv_job job;

    if (pv_jobstore_get(env->jobs, w->job_id, w->owner, &job) != 0)
        return;
    if ((job.status == PV_JOB_QUEUED || job.status == PV_JOB_PROCESSING) &&
        pv_jobstore_cancel(env->jobs, w->job_id, w->owner, &outcome, &file) == 0) {
        pv_log(PIVOT_LOG_INFO, "pivotd", "job %s: the client of GET /export left; cancelled",
               w->job_id);
        if (outcome == PV_CANCEL_REQUESTED)
            pv_server_wake_scheduler(env->server);
    }
    free(file);
    pv_job_clear(&job);
}

static void send_file(export_wait *w, const pv_job *job)
{
    char url[256];
    int n = snprintf(url, sizeof(url), FILES_PREFIX "%s", job->file_name);
    /* The guard on /files checks the key again and the file handler sends the
     * file with Content-Length, Range and ETag support. */
    pv_reply_redirect(w->req, url, (size_t)n);
}

/* Answers w's request from the job's state; returns 0 when it answered, 1
 * when the job is still running and the wait goes on. */
static int answer(export_wait *w, pv_api_env *env)
{
    char location[128];
    pv_job job;
    int rc = pv_jobstore_get(env->jobs, w->job_id, w->owner, &job);

    if (rc != 0 && rc != PIVOT_ENOENT) {
        w->read_failed = 1; /* a busy store is read again at the next look */
        return 1;
    }
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
        if (!w->out_of_time && pv_time_now_ms() < w->deadline_ms) {
            pv_job_clear(&job);
            return 1;
        }
        /* The job keeps running: the caller can still fetch it with the job API. */
        int64_t wait_ms = env->server->config->sync_max_wait_ms;
        char waited[48];
        if (wait_ms % 1000 == 0)
            snprintf(waited, sizeof(waited), "%lld s", (long long)(wait_ms / 1000));
        else
            snprintf(waited, sizeof(waited), "%lld ms", (long long)wait_ms);
        pv_reply_header(w->req, "location", location);
        pv_reply_header(w->req, "retry-after", "1");
        pv_reply_error(w->req, 504, "export-timeout", "The export did not finish in time",
                       "job %s is still %s after %s (api.limits.max_sync_wait); poll "
                       "GET %s and download the result when it is completed",
                       w->job_id, pv_job_status_name(job.status), waited, location);
        break;
    }
    pv_job_clear(&job);
    return 0;
}

/* On a quick-lane thread: the job's state, answered when final. */
static void read_work(pv_blocking_task *task, pv_api_env *env)
{
    export_wait *w = task->arg;
    w->read_failed = 0;
    answer(w, env);
}

/* On a slow-lane thread: the client left. */
static void cancel_work(pv_blocking_task *task, pv_api_env *env)
{
    export_wait *w = task->arg;
    cancel_abandoned(env, w);
    /* Nobody reads it; answering lets h2o close the connection and free the request. */
    pv_reply_error(w->req, 409, "export-cancelled", "The export was cancelled",
                   "the client closed the connection; job %s was cancelled", w->job_id);
}

static void on_task_back(pv_blocking_task *task);

static void post(export_wait *w, pv_lane lane, pv_blocking_work_fn work)
{
    w->in_flight = 1;
    w->again = 0;
    w->out_of_time = w->deadline_hit;
    w->task.work = work;
    pv_blocking_post(w->thread->pool, lane, &w->task);
}

/* Loop thread: something happened; read the job unless a read is under way. */
static void read_again(export_wait *w)
{
    if (w->in_flight)
        w->again = 1;
    else
        post(w, PV_LANE_QUICK, read_work);
}

static void stop_waiting(export_wait *w)
{
    pv_job_watch_stop(&w->thread->watches, &w->watch);
    if (h2o_timeout_is_linked(&w->deadline))
        h2o_timeout_unlink(&w->deadline);
    if (h2o_timeout_is_linked(&w->look))
        h2o_timeout_unlink(&w->look);
}

/* Loop thread: a read or the cancel is back. */
static void on_task_back(pv_blocking_task *task)
{
    export_wait *w = task->arg;

    w->in_flight = 0;
    if (task->plan.kind != PV_REPLY_NONE) {
        stop_waiting(w);
        pv_reply_flush(w->req, &task->plan);
        return;
    }
    if (w->client_gone)
        post(w, PV_LANE_SLOW, cancel_work);
    else if (w->again)
        post(w, PV_LANE_QUICK, read_work);
    else if (!h2o_linklist_is_linked(&w->watch.link))
        pv_job_watch_start(&w->thread->watches, &w->watch);
}

static void on_job_ended(pv_job_watch *watch)
{
    read_again(H2O_STRUCT_FROM_MEMBER(export_wait, watch, watch));
}

static void on_deadline(h2o_timeout_entry_t *entry)
{
    export_wait *w = H2O_STRUCT_FROM_MEMBER(export_wait, deadline, entry);
    w->deadline_hit = 1;
    read_again(w);
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

static void on_look(h2o_timeout_entry_t *entry)
{
    export_wait *w = H2O_STRUCT_FROM_MEMBER(export_wait, look, entry);
    pv_http_thread *t = w->thread;

    if (client_gone(w->req)) {
        w->client_gone = 1;
        pv_job_watch_stop(&t->watches, &w->watch);
        if (!w->in_flight)
            post(w, PV_LANE_SLOW, cancel_work);
        return;
    }
    if (!w->in_flight && w->read_failed)
        read_again(w);
    h2o_timeout_link(t->ctx.loop, &t->ctx.one_sec_timeout, &w->look);
}

/* h2o frees the pool after the answer is sent; a wait that is somehow
 * still linked (a connection freed unanswered) must leave the loop's lists. */
static void on_dispose(void *p)
{
    export_wait *w = p;
    if (w->thread != NULL)
        stop_waiting(w);
}

/* Loop thread, after the job was stored: starts waiting, then reads the job
 * once, so that an end told before the watch started is not missed. */
static void start_waiting(pv_blocking_task *task)
{
    export_wait *w = task->arg;
    pv_http_thread *t = pv_http_thread_of(task->req);

    w->thread = t;
    pv_job_watch_start(&t->watches, &w->watch);
    h2o_timeout_link(t->ctx.loop, &t->sync_wait, &w->deadline);
    h2o_timeout_link(t->ctx.loop, &t->ctx.one_sec_timeout, &w->look);
    post(w, PV_LANE_QUICK, read_work);
}

/* Builds, validates and stores the job; returns 0, or -1 after answering. */
static int submit(pv_api_env *env, h2o_req_t *req, const pivot_principal *who, pv_job *job)
{
    pv_server *srv = env->server;
    const pv_config *cfg = srv->config;
    pv_request_env renv = {srv->registry, cfg, srv->source, env->source_ctx, pv_time_now_ns()};
    const char *query = req->query_at != SIZE_MAX ? req->path.base + req->query_at + 1 : NULL;
    size_t qlen = query != NULL ? req->path.len - req->query_at - 1 : 0;
    int64_t max_ns = (int64_t)cfg->sync_max_range_minutes * 60 * 1000000000LL;
    pv_problem problem;
    char *body = NULL;
    size_t body_len = 0;
    int rc = -1;

    if (pv_export_query_to_job(query, qlen, cfg, &body, &body_len, &problem) != 0)
        goto problem;
    if (pv_request_validate(&renv, body, body_len, job, &problem) != 0) {
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
    if (pv_api_submit(env, req, who, job) != 0)
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

void pv_api_export_sync(pv_api_env *env, pv_blocking_task *task, const pivot_principal *who)
{
    h2o_req_t *req = task->req;
    pv_job job = {0};
    export_wait *w;

    if (submit(env, req, who, &job) != 0)
        goto out;
    /* The request is this thread's until it is back on its loop: its pool
     * may grow here. */
    w = h2o_mem_alloc_shared(&req->pool, sizeof(*w), on_dispose);
    memset(w, 0, sizeof(*w));
    w->req = req;
    w->watch.ended = on_job_ended;
    snprintf(w->watch.job_id, sizeof(w->watch.job_id), "%s", job.id);
    w->task.req = req;
    w->task.loop = task->loop;
    w->task.arg = w;
    w->task.resume = on_task_back;
    w->deadline.cb = on_deadline;
    w->look.cb = on_look;
    snprintf(w->job_id, sizeof(w->job_id), "%s", job.id);
    snprintf(w->owner, sizeof(w->owner), "%s", job.owner);
    w->deadline_ms = job.created_ms + env->server->config->sync_max_wait_ms;
    task->arg = w;
    task->resume = start_waiting;
out:
    pv_job_clear(&job);
}
