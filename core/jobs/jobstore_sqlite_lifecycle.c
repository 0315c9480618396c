/*
 * The job store's transitions made by the scheduler and the workers: a
 * queued job claimed, its worker and progress recorded, its end written,
 * a job requeued, expired results found.
 */
#include "jobstore_internal.h"

#include <pivot/common.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pv_sqlite_claim_next(pv_jobstore *js, int64_t now_ms, pv_job *out)
{
    sqlite3_stmt *st = NULL;
    char id[PV_JOB_ID_SIZE];
    int rc = PIVOT_EIO;

    if (sqlite3_exec(SQ(js)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return PIVOT_EIO;
    /* The owner with the fewest running jobs goes first (ties: the owner
     * waiting longest), so a user with fifty queued jobs does not make
     * another user's one job wait; within the owner's jobs, priority, then
     * age. The owner is chosen over distinct owners (jobs_by_queue), so a
     * long queue costs one index scan, not a subquery per queued job.
     * Owners at their running-jobs quota (quota_running_full) wait. */
    if (pv_js_prepare(js,
                      "SELECT q.id FROM jobs q WHERE q.status = 'queued' AND q.owner = ("
                      " SELECT w.owner FROM jobs w WHERE w.status = 'queued'"
                      " AND w.owner NOT IN (SELECT owner FROM quota_running_full) GROUP BY w.owner"
                      " ORDER BY (SELECT count(*) FROM jobs r WHERE r.status = 'processing'"
                      "  AND r.owner = w.owner), min(w.created_ms), w.owner LIMIT 1) "
                      "ORDER BY q.priority DESC, q.created_ms, q.rowid LIMIT 1",
                      &st) != SQLITE_OK)
        goto out;
    switch (sqlite3_step(st)) {
    case SQLITE_ROW:
        snprintf(id, sizeof(id), "%s", (const char *)sqlite3_column_text(st, 0));
        break;
    case SQLITE_DONE:
        rc = PIVOT_ENOENT;
        goto out;
    default:
        goto out;
    }
    pv_js_release(st);
    st = NULL;
    if (pv_js_prepare(js,
                      "UPDATE jobs SET status = 'processing', started_ms = ?1, "
                      "heartbeat_ms = ?1, attempts = attempts + 1, "
                      "worker_pid = NULL WHERE id = ?2",
                      &st) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    rc = pv_js_step_done(st);
    st = NULL;
    if (rc == 0)
        rc = pv_sqlite_get(js, id, NULL, out);
out:
    pv_js_release(st);
    sqlite3_exec(SQ(js)->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int pv_sqlite_set_worker(pv_jobstore *js, const char *id, int64_t pid)
{
    sqlite3_stmt *st = NULL;
    if (pv_js_prepare(js, "UPDATE jobs SET worker_pid = ? WHERE id = ?", &st) != SQLITE_OK)
        return PIVOT_EIO;
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
    return pv_js_step_done(st);
}

int pv_sqlite_progress(pv_jobstore *js, const char *id, double progress, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;
    if (pv_js_prepare(js,
                      "UPDATE jobs SET progress = max(progress, ?), heartbeat_ms = ? WHERE id = ? "
                      "AND status = 'processing' RETURNING cancel_requested",
                      &st) != SQLITE_OK)
        goto out;
    sqlite3_bind_double(st, 1, progress);
    sqlite3_bind_int64(st, 2, now_ms);
    sqlite3_bind_text(st, 3, id, -1, SQLITE_STATIC);
    switch (sqlite3_step(st)) {
    case SQLITE_ROW:
        rc = sqlite3_column_int(st, 0) ? 1 : 0;
        break;
    case SQLITE_DONE:
        rc = 1; /* no longer processing: cancelled or taken away; stop */
        break;
    default:
        break;
    }
out:
    pv_js_release(st);
    return rc;
}

int pv_sqlite_complete(pv_jobstore *js, const pv_job *done, int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    if (pv_js_prepare(js,
                      "UPDATE jobs SET status = 'completed', progress = 100, "
                      "finished_ms = ?, file_name = ?, file_size = ?, "
                      "channels_exported = ?, samples = ?, actual_start_ns = ?, "
                      "actual_end_ns = ?, error = NULL, worker_pid = NULL, result_detail = ? "
                      "WHERE id = ? AND status = 'processing'",
                      &st) != SQLITE_OK)
        return PIVOT_EIO;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_text(st, 2, done->file_name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, done->file_size);
    sqlite3_bind_int64(st, 4, done->channels_exported);
    sqlite3_bind_int64(st, 5, done->samples);
    sqlite3_bind_int64(st, 6, done->actual_start_ns);
    sqlite3_bind_int64(st, 7, done->actual_end_ns);
    pv_js_bind_text_or_null(st, 8, done->result_detail);
    sqlite3_bind_text(st, 9, done->id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int changed = sqlite3_changes(SQ(js)->db);
    pv_js_release(st);
    if (rc != SQLITE_DONE)
        return PIVOT_EIO;
    return changed == 1 ? 0 : PIVOT_ENOENT;
}

int pv_sqlite_finish(pv_jobstore *js, const char *id, pv_job_status status, const char *message,
                     int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    if (pv_js_prepare(js,
                      "UPDATE jobs SET status = ?, finished_ms = ?, error = ?, "
                      "worker_pid = NULL WHERE id = ? "
                      "AND status IN ('queued', 'processing')",
                      &st) != SQLITE_OK)
        return PIVOT_EIO;
    sqlite3_bind_text(st, 1, pv_job_status_name(status), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now_ms);
    pv_js_bind_text_or_null(st, 3, message);
    sqlite3_bind_text(st, 4, id, -1, SQLITE_STATIC);
    return pv_js_step_done(st);
}

int pv_sqlite_requeue(pv_jobstore *js, const char *id, int max_attempts, const char *give_up,
                      int64_t now_ms)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;

    /* One statement decides and writes, so a cancel or a second stop
     * cannot slip between the count and the change. */
    if (pv_js_prepare(js,
                      "UPDATE jobs SET worker_pid = NULL, cancel_requested = 0, "
                      "status = CASE WHEN attempts < ?2 THEN 'queued' ELSE 'failed' END, "
                      "finished_ms = CASE WHEN attempts < ?2 THEN NULL ELSE ?3 END, "
                      "error = CASE WHEN attempts < ?2 THEN NULL ELSE printf(?4, attempts) END "
                      "WHERE id = ?1 AND status = 'processing' RETURNING status = 'queued'",
                      &st) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, max_attempts);
    sqlite3_bind_int64(st, 3, now_ms);
    sqlite3_bind_text(st, 4, give_up, -1, SQLITE_STATIC);
    switch (sqlite3_step(st)) {
    case SQLITE_ROW: /* the change is made by the first step */
        rc = sqlite3_column_int(st, 0) ? 0 : 1;
        break;
    case SQLITE_DONE:
        rc = PIVOT_ENOENT;
        break;
    default:
        break;
    }
out:
    pv_js_release(st);
    return rc;
}

int pv_sqlite_each_running(pv_jobstore *js, pv_job_visit_fn visit, void *arg)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;
    if (pv_js_prepare(js, "SELECT " JOB_COLUMNS " FROM jobs WHERE status = 'processing'", &st) ==
        SQLITE_OK)
        rc = pv_js_visit_rows(st, visit, arg);
    pv_js_release(st);
    return rc;
}

int pv_sqlite_expire(pv_jobstore *js, int64_t cutoff_ms, int64_t now_ms, pv_job_visit_fn visit,
                     void *arg)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;

    /* Finished jobs past retention lose their file but keep their row for
     * one more retention period, so that a late download is told 410 Gone
     * rather than 404. */
    if (pv_js_prepare(js,
                      "SELECT " JOB_COLUMNS " FROM jobs WHERE status IN "
                      "('completed', 'failed', 'cancelled') AND expired_ms IS NULL "
                      "AND finished_ms < ?",
                      &st) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, cutoff_ms);
    rc = pv_js_visit_rows(st, visit, arg);
    pv_js_release(st);
    st = NULL;
    if (rc != 0)
        goto out;
    rc = PIVOT_EIO;
    if (pv_js_prepare(js,
                      "UPDATE jobs SET expired_ms = ?2, file_name = NULL WHERE status IN "
                      "('completed', 'failed', 'cancelled') AND expired_ms IS NULL "
                      "AND finished_ms < ?1",
                      &st) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, cutoff_ms);
    sqlite3_bind_int64(st, 2, now_ms);
    rc = pv_js_step_done(st);
    st = NULL;
    if (rc != 0)
        goto out;
    rc = PIVOT_EIO;
    if (pv_js_prepare(js, "DELETE FROM jobs WHERE expired_ms < ?", &st) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, cutoff_ms);
    rc = pv_js_step_done(st);
    st = NULL;
out:
    pv_js_release(st);
    return rc;
}