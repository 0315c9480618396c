/*
 * GET /api/v1/pivot/jobs/{id}?wait=DURATION: long polling. The status is
 * answered as soon as the job's status or whole percent differs from what
 * the request saw first (or from its If-None-Match), or when the wait ends.
 *
 * A waiting request holds no thread: it is parked on its event loop with a
 * job watch (job_watch.h, woken when a worker starts the job, reports a new
 * percent on the progress pipe, or ends) and a timer entry, and a
 * quick-lane thread reads the job only when one of them fires.
 */
#include "api.h"

#include "http_query.h"
#include "http_reply.h"
#include "timeutil.h"

#include <pivot/grammar.h>

#include <stdio.h>
#include <string.h>

/** The longest wait= a request may ask for. */
#define MAX_WAIT_MS 60000

/**
 * One waiting request. Lives in the request's pool; its destructor runs
 * when the pool is freed, after the answer, which always comes back from a
 * blocking-work thread (so none is sent while the task is away).
 */
typedef struct job_wait {
    pv_job_watch watch;
    pv_blocking_task task;    /**< the read in flight, at most one */
    h2o_timeout_entry_t tick; /**< on the one-second or the poll tick timeout */
    h2o_req_t *req;
    pv_http_thread *thread; /**< the request's loop */
    char owner[PV_USER_SIZE];
    int any_owner;       /**< an administrator's key: every job */
    int64_t deadline_ms; /**< monotonic */
    int seen_status;     /**< what the request saw first */
    int seen_progress;
    /* The loop's own: */
    int in_flight;
    int again;
    int deadline_hit;
    /* Handed over with the task: */
    int out_of_time;
} job_wait;

int pv_api_job_progress(const pv_job *job)
{
    return job->status == PV_JOB_COMPLETED ? 100 : (int)job->progress;
}

/* Weak: the body changes (queue position, times) while the state it names
 * does not. */
void pv_api_job_etag(const pv_job *job, char *out, size_t len)
{
    snprintf(out, len, "W/\"%s-%d\"", pv_job_status_name(job->status), pv_api_job_progress(job));
}

/* Whether the If-None-Match list (RFC 9110 13.1.2) names tag by the weak
 * comparison: W/ prefixes ignored, as a proxy may weaken tags, "*" matching
 * any. */
static int etag_listed(h2o_iovec_t list, const char *tag)
{
    const char *p = list.base, *end = list.base + list.len;
    const char *opaque = strncmp(tag, "W/", 2) == 0 ? tag + 2 : tag;
    size_t olen = strlen(opaque);

    while (p < end) {
        const char *item;
        while (p < end && (*p == ' ' || *p == '\t' || *p == ','))
            p++;
        item = p;
        while (p < end && *p != ',')
            p++;
        size_t n = (size_t)(p - item);
        while (n > 0 && (item[n - 1] == ' ' || item[n - 1] == '\t'))
            n--;
        if (n == 1 && item[0] == '*')
            return 1;
        if (n >= 2 && item[0] == 'W' && item[1] == '/') {
            item += 2;
            n -= 2;
        }
        if (n == olen && memcmp(item, opaque, n) == 0)
            return 1;
    }
    return 0;
}

int pv_api_job_is_final(const pv_job *job)
{
    return job->status != PV_JOB_QUEUED && job->status != PV_JOB_PROCESSING;
}

int pv_api_job_unseen(h2o_req_t *req, const pv_job *job)
{
    ssize_t i = h2o_find_header(&req->headers, H2O_TOKEN_IF_NONE_MATCH, -1);
    char etag[64];

    if (i < 0)
        return 0;
    pv_api_job_etag(job, etag, sizeof(etag));
    return !etag_listed(req->headers.entries[i].value, etag);
}

/* An ISO 8601 duration, the API's one grammar of durations ("PT30S",
 * "PT0.25S"), in whole milliseconds; 0, or -1 when text is not one. */
static int iso_ms(const char *text, int64_t *ms)
{
    int64_t ns;
    char why[128];

    if (pivot_iso_duration_parse(text, strlen(text), &ns, why, sizeof(why)) != 0)
        return -1;
    *ms = ns / 1000000;
    return 0;
}

/* Seconds as a decimal number to the millisecond ("30", "0.5", "0.125");
 * 0 with *ms, or -1 when text is not one: a poll of a fraction of a second
 * is what fast exports want. */
static int decimal_seconds_ms(const char *text, int64_t *ms)
{
    int64_t whole = 0, frac = 0;
    int digits = 0, decimals = 0;
    const char *c = text;

    for (; *c >= '0' && *c <= '9'; c++, digits++)
        if (digits < 9)
            whole = whole * 10 + (*c - '0');
    if (*c == '.')
        for (c++; *c >= '0' && *c <= '9'; c++, decimals++)
            if (decimals < 3)
                frac = frac * 10 + (*c - '0');
    if (*c != '\0' || digits == 0 || digits > 9 || (text[digits] == '.' && decimals == 0))
        return -1;
    for (int i = decimals < 3 ? decimals : 3; i < 3; i++)
        frac *= 10;
    *ms = whole * 1000 + frac;
    return 0;
}

int pv_api_wait_param(h2o_req_t *req, int64_t *wait_ms, pv_problem *pb)
{
    pv_query_iter it;
    h2o_iovec_t key, val;
    char text[64], quoted[200];
    int64_t ms;

    *wait_ms = -1;
    pv_query_begin(req, &it);
    while (pv_query_next(&it, &key, &val)) {
        if (!pv_query_key_is(key, "wait"))
            continue;
        if (pv_query_decode(val, text, sizeof(text)) < 0)
            text[0] = '\0';
        pv_problem_quote(text, quoted, sizeof(quoted));
        if (text[0] == '\0' || (decimal_seconds_ms(text, &ms) != 0 && iso_ms(text, &ms) != 0))
            return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter", "wait",
                                  "wait: \"%s\" is not a duration; use seconds (wait=30, "
                                  "wait=0.5) or ISO 8601 (wait=PT30S), at most 60 s",
                                  quoted);
        if (ms > MAX_WAIT_MS)
            return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter", "wait",
                                  "wait: \"%s\" is %lld ms; a request waits at most 60 s "
                                  "(wait=60 or wait=PT60S): ask again after it answers",
                                  quoted, (long long)ms);
        *wait_ms = ms;
    }
    return 0;
}

/* On a quick-lane thread: answers when the job differs from what was seen,
 * has ended or is gone, or when the wait is over; otherwise leaves the
 * request unanswered and the wait goes on. */
static void read_work(pv_blocking_task *task, pv_api_env *env)
{
    job_wait *w = task->arg;
    pv_job job;
    int rc = pv_jobstore_get(env->jobs, w->watch.job_id, w->any_owner ? NULL : w->owner, &job);

    if (rc == PIVOT_ENOENT) {
        pv_reply_error(w->req, 404, "job-not-found", "Job not found",
                       "job %s was deleted while this request waited for it", w->watch.job_id);
        return;
    }
    if (rc != 0) {
        /* A busy store is read again at the next tick, or answered at the end. */
        if (w->out_of_time)
            pv_api_store_error(w->req, env->jobs, "job store");
        return;
    }
    if (w->out_of_time || pv_api_job_is_final(&job) || (int)job.status != w->seen_status ||
        pv_api_job_progress(&job) != w->seen_progress)
        pv_api_reply_job_status(env, w->req, &job);
    pv_job_clear(&job);
}

static void on_task_back(pv_blocking_task *task);

static void post_read(job_wait *w)
{
    w->in_flight = 1;
    w->again = 0;
    w->out_of_time = w->deadline_hit;
    w->task.work = read_work;
    pv_blocking_post(w->thread->pool, PV_LANE_QUICK, &w->task);
}

/* Loop thread: something happened; read the job unless a read is under way. */
static void read_again(job_wait *w)
{
    if (w->in_flight)
        w->again = 1;
    else
        post_read(w);
}

static void stop_waiting(job_wait *w)
{
    pv_job_watch_stop(&w->thread->watches, &w->watch);
    if (h2o_timeout_is_linked(&w->tick))
        h2o_timeout_unlink(&w->tick);
}

/* The one-second timeout while more than a second is left, then the short
 * tick: the wait ends within PV_POLL_TICK_MS of its deadline. */
static void link_tick(job_wait *w)
{
    pv_http_thread *t = w->thread;
    int64_t left = w->deadline_ms - pv_time_monotonic_ms();

    h2o_timeout_link(t->ctx.loop,
                     left > 1000 + PV_POLL_TICK_MS ? &t->ctx.one_sec_timeout : &t->poll_tick,
                     &w->tick);
}

static void on_task_back(pv_blocking_task *task)
{
    job_wait *w = task->arg;

    w->in_flight = 0;
    if (task->plan.kind != PV_REPLY_NONE) {
        stop_waiting(w);
        pv_reply_flush(w->req, &task->plan);
        return;
    }
    if (w->again || w->deadline_hit)
        post_read(w);
    else if (!h2o_linklist_is_linked(&w->watch.link))
        pv_job_watch_start(&w->thread->watches, &w->watch);
}

static void on_job_event(pv_job_watch *watch)
{
    read_again(H2O_STRUCT_FROM_MEMBER(job_wait, watch, watch));
}

static void on_tick(h2o_timeout_entry_t *entry)
{
    job_wait *w = H2O_STRUCT_FROM_MEMBER(job_wait, tick, entry);

    if (pv_time_monotonic_ms() >= w->deadline_ms) {
        w->deadline_hit = 1;
        pv_job_watch_stop(&w->thread->watches, &w->watch);
        read_again(w);
        return;
    }
    link_tick(w);
}

static void on_dispose(void *p)
{
    job_wait *w = p;
    if (w->thread != NULL)
        stop_waiting(w);
}

/* Loop thread: watches, then reads the job once, so that a change told
 * between the first read and the watch is not missed. */
static void start_waiting(pv_blocking_task *task)
{
    job_wait *w = task->arg;

    w->thread = pv_http_thread_of(task->req);
    pv_job_watch_start(&w->thread->watches, &w->watch);
    link_tick(w);
    post_read(w);
}

void pv_api_job_wait(pv_blocking_task *task, const pivot_principal *who, const pv_job *job,
                     int64_t wait_ms)
{
    h2o_req_t *req = task->req;
    const char *owner = pv_api_owner_filter(who);
    /* The request is this thread's until it is back on its loop. */
    job_wait *w = h2o_mem_alloc_shared(&req->pool, sizeof(*w), on_dispose);

    memset(w, 0, sizeof(*w));
    w->req = req;
    w->watch.ended = on_job_event;
    w->watch.changes = 1;
    snprintf(w->watch.job_id, sizeof(w->watch.job_id), "%s", job->id);
    w->task.req = req;
    w->task.loop = task->loop;
    w->task.arg = w;
    w->task.resume = on_task_back;
    w->tick.cb = on_tick;
    w->any_owner = owner == NULL;
    snprintf(w->owner, sizeof(w->owner), "%s", owner != NULL ? owner : "");
    w->deadline_ms = pv_time_monotonic_ms() + wait_ms;
    w->seen_status = (int)job->status;
    w->seen_progress = pv_api_job_progress(job);
    task->arg = w;
    task->resume = start_waiting;
}
