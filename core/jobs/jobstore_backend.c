/*
 * jobstore.h's functions: each forwards to the backend the connection was
 * opened with (jobstore_backend.h), so that the API, the scheduler and the
 * workers never know which engine holds the jobs.
 */
#include "jobstore_backend.h"

#include "metrics.h"
#include "quota_store.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>

/* Records how long an operation that ended with rc took (metrics.h), and returns rc. */
static int timed(int64_t start_ns, pv_store_op_kind kind, int rc)
{
    pv_metrics_store_op(kind, (double)(pv_time_monotonic_ns() - start_ns) / 1e9);
    return rc;
}

int pv_jobstore_is_postgres(const char *location)
{
    return location != NULL && (strncmp(location, "postgresql://", 13) == 0 ||
                                strncmp(location, "postgres://", 11) == 0);
}

int pv_jobstore_open(const char *location, pv_jobstore **out, char *err, size_t errlen)
{
    if (pv_jobstore_is_postgres(location))
        return pv_jobstore_pg_open(location, out, err, errlen);
    return pv_jobstore_sqlite_open(location, out, err, errlen);
}

void pv_jobstore_close(pv_jobstore *js)
{
    if (js != NULL)
        js->ops->close(js);
}

int pv_jobstore_insert(pv_jobstore *js, const pv_job *job)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->insert(js, job));
}

int pv_jobstore_get(pv_jobstore *js, const char *id, const char *owner, pv_job *out)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_READ, js->ops->get(js, id, owner, out));
}

int pv_jobstore_list(pv_jobstore *js, const char *owner, unsigned status_mask, int64_t limit,
                     int64_t offset, int64_t *total, pv_job_visit_fn visit, void *arg)
{
    return js->ops->list(js, owner, status_mask, limit, offset, total, visit, arg);
}

int pv_jobstore_cancel(pv_jobstore *js, const char *id, const char *owner,
                       pv_cancel_outcome *outcome, char **file_name)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->cancel(js, id, owner, outcome, file_name));
}

int pv_jobstore_count_running(pv_jobstore *js, int64_t *count)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_READ, js->ops->count_running(js, count));
}

int pv_jobstore_claim_next(pv_jobstore *js, int64_t now_ms, pv_job *out)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->claim_next(js, now_ms, out));
}

int pv_jobstore_set_worker(pv_jobstore *js, const char *id, int64_t pid)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->set_worker(js, id, pid));
}

int pv_jobstore_progress(pv_jobstore *js, const char *id, double progress, int64_t now_ms)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->progress(js, id, progress, now_ms));
}

int pv_jobstore_complete(pv_jobstore *js, const pv_job *done, int64_t now_ms)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->complete(js, done, now_ms));
}

int pv_jobstore_finish(pv_jobstore *js, const char *id, pv_job_status status, const char *message,
                       int64_t now_ms)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->finish(js, id, status, message, now_ms));
}

int pv_jobstore_requeue(pv_jobstore *js, const char *id, int max_attempts, const char *give_up,
                        int64_t now_ms)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->requeue(js, id, max_attempts, give_up, now_ms));
}

int pv_jobstore_each_running(pv_jobstore *js, pv_job_visit_fn visit, void *arg)
{
    return js->ops->each_running(js, visit, arg);
}

int pv_jobstore_expire(pv_jobstore *js, int64_t cutoff_ms, int64_t now_ms, pv_job_visit_fn visit,
                       void *arg)
{
    return js->ops->expire(js, cutoff_ms, now_ms, visit, arg);
}

int pv_jobstore_queue_position(pv_jobstore *js, const pv_job *job, int64_t *position)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_READ, js->ops->queue_position(js, job, position));
}

int pv_jobstore_find_idempotent(pv_jobstore *js, const char *owner, const char *key, pv_job *out)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_READ, js->ops->find_idempotent(js, owner, key, out));
}

pv_result_claim pv_jobstore_result_claim(pv_jobstore *js, const char *name, const char *job_id)
{
    return js->ops->result_claim(js, name, job_id);
}

int pv_jobstore_each_result_file(pv_jobstore *js, pv_job_visit_fn visit, void *arg)
{
    return js->ops->each_result_file(js, visit, arg);
}

int pv_jobstore_fail_completed(pv_jobstore *js, const char *id, const char *message)
{
    return js->ops->fail_completed(js, id, message);
}

int pv_jobstore_figures(pv_jobstore *js, int64_t now_ms, int max_users, pv_store_figures *out)
{
    int64_t start = pv_time_monotonic_ns();

    memset(out, 0, sizeof(*out));
    return timed(start, PV_STORE_READ, js->ops->figures(js, now_ms, max_users, out));
}

void pv_store_figures_clear(pv_store_figures *f)
{
    for (size_t i = 0; i < f->nusers; i++)
        free(f->users[i].user);
    free(f->users);
    memset(f, 0, sizeof(*f));
}

int pv_jobstore_begin(pv_jobstore *js)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->begin(js));
}

int pv_jobstore_commit(pv_jobstore *js)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_WRITE, js->ops->commit(js));
}

void pv_jobstore_rollback(pv_jobstore *js)
{
    js->ops->rollback(js);
}

void pv_jobstore_failure(pv_jobstore *js, pv_store_failure *out)
{
    js->ops->failure(js, out);
}

const char *pv_jobstore_errmsg(pv_jobstore *js)
{
    return js->ops->errmsg(js);
}

int pv_jobstore_join(pv_jobstore *js, const pv_cluster_node *node)
{
    return js->ops->join != NULL ? js->ops->join(js, node) : 0;
}

int pv_jobstore_is_shared(pv_jobstore *js)
{
    return js->ops->join != NULL;
}

int pv_jobstore_node_beat(pv_jobstore *js, int64_t now_ms, int max_attempts, pv_job_visit_fn visit,
                          void *arg)
{
    return js->ops->node_beat != NULL ? js->ops->node_beat(js, now_ms, max_attempts, visit, arg)
                                      : 0;
}

int pv_jobstore_listen(pv_jobstore *js)
{
    return js->ops->listen != NULL ? js->ops->listen(js) : 0;
}

int pv_jobstore_wake_fd(pv_jobstore *js)
{
    return js->ops->wake_fd != NULL ? js->ops->wake_fd(js) : -1;
}

int pv_jobstore_drain_wakeups(pv_jobstore *js)
{
    return js->ops->drain_wakeups != NULL ? js->ops->drain_wakeups(js) : 0;
}

int pv_quota_store_limits(pv_jobstore *js, const char *user, const pv_quota_limits *defaults,
                          pv_quota_limits *out)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_READ, js->ops->quota_limits(js, user, defaults, out));
}

int pv_quota_store_usage(pv_jobstore *js, const char *user, const pv_quota_limits *lim,
                         int64_t now_ms, pv_quota_usage *out)
{
    int64_t start = pv_time_monotonic_ns();
    return timed(start, PV_STORE_READ, js->ops->quota_usage(js, user, lim, now_ms, out));
}

int pv_quota_store_set(pv_jobstore *js, const char *user, const int touch[PV_QUOTA_NLIMITS],
                       const int64_t value[PV_QUOTA_NLIMITS], char *err, size_t errlen)
{
    return js->ops->quota_set(js, user, touch, value, err, errlen);
}
