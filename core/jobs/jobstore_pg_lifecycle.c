/*
 * The PostgreSQL job store's transitions made by the scheduler and the
 * workers: a queued job claimed, its worker and progress recorded, its end
 * written, a job requeued, expired results found.
 */
#include "jobstore_pg.h"

#include <pivot/common.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Held by each claim of a node: the cluster-wide count of running jobs
 * stays true from its check to the claim that adds to it. */
#define CLAIM_LOCK "7302"

/* A worker's connection writes only its own attempt of the job (the node's
 * attempt, 0 for the scheduler's, which may write any): a worker of a node
 * taken for dead never touches the attempt that took its job over, even on
 * the same node. n is the parameter holding the attempt. */
#define OWN_ATTEMPT(n) "(" n "::int = 0 OR attempts = " n "::int)"

/* Whether the node may start one more job: 1 yes, 0 no, or PIVOT_EIO. */
static int below_limits(pv_pg_store *s)
{
    const char *p[] = {s->node_name};
    PGresult *r = pv_pg_exec(s,
                             "SELECT count(*), count(*) FILTER (WHERE node = $1) FROM jobs "
                             "WHERE status = 'processing'",
                             1, p);
    int ok;

    if (r == NULL)
        return PIVOT_EIO;
    ok = pv_pg_get_int(r, 0, 0) < s->node.max_concurrent &&
         (s->node.node_max_concurrent <= 0 || pv_pg_get_int(r, 0, 1) < s->node.node_max_concurrent);
    PQclear(r);
    return ok;
}

int pv_pg_claim_next(pv_jobstore *js, int64_t now_ms, pv_job *out)
{
    pv_pg_store *s = PG(js);
    char b1[24];
    const char *p[] = {pv_pg_int(b1, now_ms), s->node_name};
    int rc = PIVOT_EIO;

    if (pv_pg_run(s, "BEGIN", 0, NULL) != 0)
        return PIVOT_EIO;
    s->in_transaction = 1;
    if (s->node_name != NULL) {
        if (pv_pg_run(s, "SELECT pg_advisory_xact_lock(" CLAIM_LOCK ")", 0, NULL) != 0)
            goto out;
        rc = below_limits(s);
        if (rc <= 0) {
            rc = rc == 0 ? PIVOT_ENOENT : rc;
            goto out;
        }
    }
    /* One statement picks and marks: the owner with the fewest running
     * jobs in the cluster first (ties: the owner waiting longest), owners
     * at their running-jobs quota skipped; within the owner, priority,
     * then age. SKIP LOCKED passes over a row a cancel holds. */
    rc = pv_pg_one_job(
        s,
        "WITH pick AS ("
        " SELECT q.id AS pick_id FROM jobs q WHERE q.status = 'queued' AND q.owner = ("
        "  SELECT w.owner FROM jobs w WHERE w.status = 'queued'"
        "  AND w.owner NOT IN (SELECT owner FROM quota_running_full) GROUP BY w.owner"
        "  ORDER BY (SELECT count(*) FROM jobs r WHERE r.status = 'processing'"
        "   AND r.owner = w.owner), min(w.created_ms), w.owner LIMIT 1)"
        " ORDER BY q.priority DESC, q.created_ms, q.seq LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "UPDATE jobs j SET status = 'processing', started_ms = $1, heartbeat_ms = $1, "
        "attempts = attempts + 1, worker_pid = NULL, node = $2 FROM pick "
        "WHERE j.id = pick.pick_id RETURNING " PG_JOB_COLUMNS,
        2, p, out);
out:
    if (rc == 0 || rc == PIVOT_ENOENT) {
        if (pv_pg_run(s, "COMMIT", 0, NULL) != 0) {
            if (rc == 0)
                pv_job_clear(out);
            rc = PIVOT_EIO;
        }
        s->in_transaction = 0;
    } else {
        js->ops->rollback(js);
    }
    return rc;
}

int pv_pg_set_worker(pv_jobstore *js, const char *id, int64_t pid)
{
    char b1[24];
    const char *p[] = {pv_pg_int(b1, pid), id, PG(js)->node_name};
    return pv_pg_run(PG(js),
                     "UPDATE jobs SET worker_pid = $1 WHERE id = $2 "
                     "AND ($3::text IS NULL OR node = $3)",
                     3, p);
}

int pv_pg_progress(pv_jobstore *js, const char *id, double progress, int64_t now_ms)
{
    char b1[32], b2[24], b3[24];
    const char *p[] = {b1, pv_pg_int(b2, now_ms), id, PG(js)->node_name,
                       pv_pg_int(b3, PG(js)->node.attempt)};
    PGresult *r;
    int rc;

    snprintf(b1, sizeof(b1), "%.6f", progress);
    r = pv_pg_exec(PG(js),
                   "UPDATE jobs SET progress = greatest(progress, $1::float8), heartbeat_ms = $2 "
                   "WHERE id = $3 AND status = 'processing' AND ($4::text IS NULL OR node = $4) "
                   "AND " OWN_ATTEMPT("$5") " RETURNING cancel_requested",
                   5, p);
    if (r == NULL)
        return PIVOT_EIO;
    /* No row: no longer processing (cancelled or taken away); stop. */
    rc = PQntuples(r) == 0 ? 1 : pv_pg_get_int(r, 0, 0) != 0;
    PQclear(r);
    return rc;
}

int pv_pg_complete(pv_jobstore *js, const pv_job *done, int64_t now_ms)
{
    char b[7][24];
    const char *p[] = {pv_pg_int(b[0], now_ms),
                       done->file_name,
                       pv_pg_int(b[1], done->file_size),
                       pv_pg_int(b[2], done->channels_exported),
                       pv_pg_int(b[3], done->samples),
                       pv_pg_int(b[4], done->actual_start_ns),
                       pv_pg_int(b[5], done->actual_end_ns),
                       done->result_detail,
                       done->id,
                       PG(js)->node_name,
                       pv_pg_int(b[6], PG(js)->node.attempt)};
    PGresult *r = pv_pg_exec(PG(js),
                             "UPDATE jobs SET status = 'completed', progress = 100, "
                             "finished_ms = $1, file_name = $2, file_size = $3, "
                             "channels_exported = $4, samples = $5, actual_start_ns = $6, "
                             "actual_end_ns = $7, error = NULL, worker_pid = NULL, "
                             "result_detail = $8 WHERE id = $9 AND status = 'processing' "
                             "AND ($10::text IS NULL OR node = $10) AND " OWN_ATTEMPT("$11"),
                             11, p);
    int changed;

    if (r == NULL)
        return PIVOT_EIO;
    changed = atoi(PQcmdTuples(r));
    PQclear(r);
    return changed == 1 ? 0 : PIVOT_ENOENT;
}

int pv_pg_finish(pv_jobstore *js, const char *id, pv_job_status status, const char *message,
                 int64_t now_ms)
{
    char b1[24], b2[24];
    const char *p[] = {
        pv_job_status_name(status),         pv_pg_int(b1, now_ms), message, id, PG(js)->node_name,
        pv_pg_int(b2, PG(js)->node.attempt)};
    /* A processing job is this node's to end only while it still runs it; a
     * worker's, only in its own attempt, and never once queued again. */
    return pv_pg_run(
        PG(js),
        "UPDATE jobs SET status = $1, finished_ms = $2, error = $3, "
        "worker_pid = NULL WHERE id = $4 AND ((status = 'queued' AND $6::int = 0) "
        "OR (status = 'processing' AND ($5::text IS NULL OR node = $5) AND " OWN_ATTEMPT("$6") "))",
        6, p);
}

int pv_pg_requeue(pv_jobstore *js, const char *id, int max_attempts, const char *give_up,
                  int64_t now_ms)
{
    char b1[24], b2[24], b3[24];
    const char *p[] = {id,      pv_pg_int(b1, max_attempts), pv_pg_int(b2, now_ms),
                       give_up, PG(js)->node_name,           pv_pg_int(b3, PG(js)->node.attempt)};
    PGresult *r;
    int rc;

    /* One statement decides and writes, so a cancel or a second stop
     * cannot slip between the count and the change. give_up's one %d is
     * the attempts. */
    r = pv_pg_exec(PG(js),
                   "UPDATE jobs SET worker_pid = NULL, cancel_requested = 0, node = NULL, "
                   "status = CASE WHEN attempts < $2::int THEN 'queued' ELSE 'failed' END, "
                   "finished_ms = CASE WHEN attempts < $2::int THEN NULL ELSE $3::bigint END, "
                   "error = CASE WHEN attempts < $2::int THEN NULL "
                   "ELSE replace($4::text, '%d', attempts::text) END "
                   "WHERE id = $1 AND status = 'processing' AND ($5::text IS NULL OR node = $5) "
                   "AND " OWN_ATTEMPT("$6") " RETURNING status = 'queued'",
                   6, p);
    if (r == NULL)
        return PIVOT_EIO;
    if (PQntuples(r) == 0)
        rc = PIVOT_ENOENT;
    else
        rc = strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? 0 : 1;
    PQclear(r);
    if (rc == 0)
        pv_pg_run(PG(js), "SELECT pg_notify('" PG_WAKE_CHANNEL "', 'queued')", 0, NULL);
    return rc;
}

int pv_pg_each_running(pv_jobstore *js, pv_job_visit_fn visit, void *arg)
{
    const char *p[] = {PG(js)->node_name};
    /* A node sees its own jobs only: the others' run elsewhere. */
    return pv_pg_visit_jobs(PG(js),
                            "SELECT " PG_JOB_COLUMNS " FROM jobs WHERE status = 'processing' "
                            "AND ($1::text IS NULL OR node = $1)",
                            1, p, visit, arg);
}

/* Held (for a transaction) by the one node that runs retention at a time. */
#define RETENTION_LOCK "7304"

int pv_pg_expire(pv_jobstore *js, int64_t cutoff_ms, int64_t now_ms, pv_job_visit_fn visit,
                 void *arg)
{
    pv_pg_store *s = PG(js);
    char b1[24], b2[24];
    const char *p[] = {pv_pg_int(b1, cutoff_ms), pv_pg_int(b2, now_ms)};
    PGresult *r;
    int rc = PIVOT_EIO;

    if (pv_pg_run(s, "BEGIN", 0, NULL) != 0)
        return PIVOT_EIO;
    s->in_transaction = 1;
    /* One node at a time: the others would remove the same files. */
    r = pv_pg_exec(s, "SELECT pg_try_advisory_xact_lock(" RETENTION_LOCK ")", 0, NULL);
    if (r == NULL)
        goto out;
    rc = strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? 1 : 0;
    PQclear(r);
    if (rc == 0)
        goto out;
    /* Finished jobs past retention lose their file but keep their row for
     * one more retention period, so that a late download is told 410 Gone
     * rather than 404. */
    rc = pv_pg_visit_jobs(s,
                          "SELECT " PG_JOB_COLUMNS " FROM jobs WHERE status IN "
                          "('completed', 'failed', 'cancelled') AND expired_ms IS NULL "
                          "AND finished_ms < $1",
                          1, p, visit, arg);
    if (rc == 0)
        rc = pv_pg_run(s,
                       "UPDATE jobs SET expired_ms = $2, file_name = NULL WHERE status IN "
                       "('completed', 'failed', 'cancelled') AND expired_ms IS NULL "
                       "AND finished_ms < $1",
                       2, p);
    if (rc == 0)
        rc = pv_pg_run(s, "DELETE FROM jobs WHERE expired_ms < $1", 1, p);
out:
    if (rc == 0) {
        if (pv_pg_run(s, "COMMIT", 0, NULL) != 0)
            rc = PIVOT_EIO;
        s->in_transaction = 0;
    } else {
        js->ops->rollback(js);
    }
    return rc;
}
