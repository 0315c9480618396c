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

int pv_pg_claim_next(pv_jobstore *js, int64_t now_ms, pv_job *out)
{
    pv_pg_store *s = PG(js);
    char b1[24];
    const char *p[] = {pv_pg_int(b1, now_ms)};
    int rc;

    /* One statement picks and marks: the owner with the fewest running
     * jobs first (ties: the owner waiting longest), owners at their
     * running-jobs quota skipped; within the owner, priority, then age.
     * SKIP LOCKED lets another node's claim take the next job instead of
     * waiting for this one, and the row lock makes each job start once. */
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
        "attempts = attempts + 1, worker_pid = NULL FROM pick WHERE j.id = pick.pick_id "
        "RETURNING " PG_JOB_COLUMNS,
        1, p, out);
    return rc;
}

int pv_pg_set_worker(pv_jobstore *js, const char *id, int64_t pid)
{
    char b1[24];
    const char *p[] = {pv_pg_int(b1, pid), id};
    return pv_pg_run(PG(js), "UPDATE jobs SET worker_pid = $1 WHERE id = $2", 2, p);
}

int pv_pg_progress(pv_jobstore *js, const char *id, double progress, int64_t now_ms)
{
    char b1[32], b2[24];
    const char *p[] = {b1, pv_pg_int(b2, now_ms), id};
    PGresult *r;
    int rc;

    snprintf(b1, sizeof(b1), "%.6f", progress);
    r = pv_pg_exec(PG(js),
                   "UPDATE jobs SET progress = greatest(progress, $1::float8), heartbeat_ms = $2 "
                   "WHERE id = $3 AND status = 'processing' RETURNING cancel_requested",
                   3, p);
    if (r == NULL)
        return PIVOT_EIO;
    /* No row: no longer processing (cancelled or taken away); stop. */
    rc = PQntuples(r) == 0 ? 1 : pv_pg_get_int(r, 0, 0) != 0;
    PQclear(r);
    return rc;
}

int pv_pg_complete(pv_jobstore *js, const pv_job *done, int64_t now_ms)
{
    char b[6][24];
    const char *p[] = {pv_pg_int(b[0], now_ms),
                       done->file_name,
                       pv_pg_int(b[1], done->file_size),
                       pv_pg_int(b[2], done->channels_exported),
                       pv_pg_int(b[3], done->samples),
                       pv_pg_int(b[4], done->actual_start_ns),
                       pv_pg_int(b[5], done->actual_end_ns),
                       done->result_detail,
                       done->id};
    PGresult *r = pv_pg_exec(PG(js),
                             "UPDATE jobs SET status = 'completed', progress = 100, "
                             "finished_ms = $1, file_name = $2, file_size = $3, "
                             "channels_exported = $4, samples = $5, actual_start_ns = $6, "
                             "actual_end_ns = $7, error = NULL, worker_pid = NULL, "
                             "result_detail = $8 WHERE id = $9 AND status = 'processing'",
                             9, p);
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
    char b1[24];
    const char *p[] = {pv_job_status_name(status), pv_pg_int(b1, now_ms), message, id};
    return pv_pg_run(PG(js),
                     "UPDATE jobs SET status = $1, finished_ms = $2, error = $3, "
                     "worker_pid = NULL WHERE id = $4 AND status IN ('queued', 'processing')",
                     4, p);
}

int pv_pg_requeue(pv_jobstore *js, const char *id, int max_attempts, const char *give_up,
                  int64_t now_ms)
{
    char b1[24], b2[24];
    const char *p[] = {id, pv_pg_int(b1, max_attempts), pv_pg_int(b2, now_ms), give_up};
    PGresult *r;
    int rc;

    /* One statement decides and writes, so a cancel or a second stop
     * cannot slip between the count and the change. give_up's one %d is
     * the attempts. */
    r = pv_pg_exec(PG(js),
                   "UPDATE jobs SET worker_pid = NULL, cancel_requested = 0, "
                   "status = CASE WHEN attempts < $2::int THEN 'queued' ELSE 'failed' END, "
                   "finished_ms = CASE WHEN attempts < $2::int THEN NULL ELSE $3::bigint END, "
                   "error = CASE WHEN attempts < $2::int THEN NULL "
                   "ELSE replace($4::text, '%d', attempts::text) END "
                   "WHERE id = $1 AND status = 'processing' RETURNING status = 'queued'",
                   4, p);
    if (r == NULL)
        return PIVOT_EIO;
    if (PQntuples(r) == 0)
        rc = PIVOT_ENOENT;
    else
        rc = strcmp(PQgetvalue(r, 0, 0), "t") == 0 ? 0 : 1;
    PQclear(r);
    if (rc == 0)
        pv_pg_run(PG(js), "SELECT pg_notify('pivot_jobs', 'queued')", 0, NULL);
    return rc;
}

int pv_pg_each_running(pv_jobstore *js, pv_job_visit_fn visit, void *arg)
{
    return pv_pg_visit_jobs(PG(js),
                            "SELECT " PG_JOB_COLUMNS " FROM jobs WHERE status = 'processing'", 0,
                            NULL, visit, arg);
}

int pv_pg_expire(pv_jobstore *js, int64_t cutoff_ms, int64_t now_ms, pv_job_visit_fn visit,
                 void *arg)
{
    char b1[24], b2[24];
    const char *p[] = {pv_pg_int(b1, cutoff_ms), pv_pg_int(b2, now_ms)};
    int rc;

    /* Finished jobs past retention lose their file but keep their row for
     * one more retention period, so that a late download is told 410 Gone
     * rather than 404. */
    rc = pv_pg_visit_jobs(PG(js),
                          "SELECT " PG_JOB_COLUMNS " FROM jobs WHERE status IN "
                          "('completed', 'failed', 'cancelled') AND expired_ms IS NULL "
                          "AND finished_ms < $1",
                          1, p, visit, arg);
    if (rc != 0)
        return rc;
    rc = pv_pg_run(PG(js),
                   "UPDATE jobs SET expired_ms = $2, file_name = NULL WHERE status IN "
                   "('completed', 'failed', 'cancelled') AND expired_ms IS NULL "
                   "AND finished_ms < $1",
                   2, p);
    if (rc != 0)
        return rc;
    return pv_pg_run(PG(js), "DELETE FROM jobs WHERE expired_ms < $1", 1, p);
}
