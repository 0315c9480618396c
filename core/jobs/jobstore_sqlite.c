#include "jobstore.h"

#include "jobstore_internal.h"
#include "jobstore_schema.h"
#include "timeutil.h"

#include <errno.h>
#include <pivot/common.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Returns SQLITE_OK with a ready statement for sql (a string literal). */
int pv_js_prepare(pv_jobstore *js, const char *sql, sqlite3_stmt **st)
{
    for (int i = 0; i < SQ(js)->ncached; i++) {
        if (SQ(js)->cache[i].sql == sql) {
            *st = SQ(js)->cache[i].st;
            return SQLITE_OK;
        }
    }
    int rc = sqlite3_prepare_v3(SQ(js)->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
    if (rc == SQLITE_OK && SQ(js)->ncached < STMT_CACHE_SIZE) {
        SQ(js)->cache[SQ(js)->ncached].sql = sql;
        SQ(js)->cache[SQ(js)->ncached].st = *st;
        SQ(js)->ncached++;
    }
    return rc;
}

/* Makes a statement from pv_js_prepare() ready for its next use (NULL is accepted). */
void pv_js_release(sqlite3_stmt *st)
{
    if (st != NULL) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

char *pv_js_column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    return text != NULL ? strdup((const char *)text) : NULL;
}

void pv_js_read_job(sqlite3_stmt *st, pv_job *job)
{
    memset(job, 0, sizeof(*job));
    snprintf(job->id, sizeof(job->id), "%s", (const char *)sqlite3_column_text(st, 0));
    snprintf(job->owner, sizeof(job->owner), "%s", (const char *)sqlite3_column_text(st, 1));
    job->status = pv_job_status_parse((const char *)sqlite3_column_text(st, 2));
    job->request = pv_js_column_dup(st, 3);
    job->spec = pv_js_column_dup(st, 4);
    job->format = pv_js_column_dup(st, 5);
    job->range_start_ns = sqlite3_column_int64(st, 6);
    job->range_end_ns = sqlite3_column_int64(st, 7);
    job->progress = sqlite3_column_double(st, 8);
    job->created_ms = sqlite3_column_int64(st, 9);
    job->started_ms = sqlite3_column_int64(st, 10);
    job->finished_ms = sqlite3_column_int64(st, 11);
    job->heartbeat_ms = sqlite3_column_int64(st, 12);
    job->worker_pid = sqlite3_column_int64(st, 13);
    job->attempts = sqlite3_column_int(st, 14);
    job->cancel_requested = sqlite3_column_int(st, 15);
    job->file_name = pv_js_column_dup(st, 16);
    job->file_size = sqlite3_column_int64(st, 17);
    job->channels_exported = sqlite3_column_int64(st, 18);
    job->samples = sqlite3_column_int64(st, 19);
    job->actual_start_ns = sqlite3_column_int64(st, 20);
    job->actual_end_ns = sqlite3_column_int64(st, 21);
    job->error = pv_js_column_dup(st, 22);
    job->expired_ms = sqlite3_column_int64(st, 23);
    job->idempotency_key = pv_js_column_dup(st, 24);
    job->priority = sqlite3_column_int(st, 25);
    job->result_detail = pv_js_column_dup(st, 26);
    if (job->expired_ms != 0)
        job->status = PV_JOB_EXPIRED;
}

/* Steps a SELECT of JOB_COLUMNS expected to match at most one row: 0 with
 * *out filled, PIVOT_ENOENT when nothing matched, PIVOT_EIO on an error. */
int pv_js_step_one_job(sqlite3_stmt *st, pv_job *out)
{
    switch (sqlite3_step(st)) {
    case SQLITE_ROW:
        pv_js_read_job(st, out);
        return 0;
    case SQLITE_DONE:
        return PIVOT_ENOENT;
    default:
        return PIVOT_EIO;
    }
}

/* SQLite's own busy timeout sleeps in steps of up to 100 ms: with HTTP
 * threads, the scheduler and workers all writing, a POST would wait that long
 * for a lock held for microseconds. Retry quickly instead, for up to
 * LOCK_WAIT_MS by the clock (a count of sleeps would stretch under load). */
static int wait_for_lock(void *arg, int attempts)
{
    pv_sqlite_store *js = arg;
    if (attempts == 0)
        js->lock_wait_start_ms = pv_time_monotonic_ms();
    else if (pv_time_monotonic_ms() - js->lock_wait_start_ms >= LOCK_WAIT_MS)
        return 0;
    usleep(attempts < 10 ? 20 : 200);
    return 1;
}

int pv_jobstore_sqlite_open(const char *path, pv_jobstore **out, char *err, size_t errlen)
{
    pv_sqlite_store *store = calloc(1, sizeof(*store));
    pv_jobstore *js = &store->base;
    int rc = PIVOT_EIO;
    char *msg = NULL;

    if (store == NULL)
        return PIVOT_ENOMEM;
    store->base.ops = &pv_sqlite_ops;
    if (sqlite3_open_v2(path, &SQ(js)->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open job store %s: %s", path,
                 SQ(js)->db ? sqlite3_errmsg(SQ(js)->db) : "out of memory");
        goto out;
    }
    sqlite3_busy_handler(SQ(js)->db, wait_for_lock, store);
    /* WAL lets status polls read while a worker writes progress; FULL
     * synchronous makes a 202 mean the job is on disk even across a power
     * loss; the journal limit keeps the WAL from growing under constant
     * readers. */
    if (sqlite3_exec(SQ(js)->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                     "PRAGMA journal_size_limit=16777216; PRAGMA foreign_keys=ON",
                     NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "cannot configure job store %s: %s", path, msg);
        goto out;
    }
    rc = pv_jobstore_migrate(SQ(js)->db, err, errlen);
    if (rc != 0)
        goto out;
    *out = js;
    js = NULL;
out:
    sqlite3_free(msg);
    pv_sqlite_close(js);
    return rc;
}

void pv_sqlite_close(pv_jobstore *js)
{
    if (js == NULL)
        return;
    for (int i = 0; i < SQ(js)->ncached; i++)
        sqlite3_finalize(SQ(js)->cache[i].st);
    sqlite3_close(SQ(js)->db);
    free(js);
}

int pv_sqlite_begin(pv_jobstore *js)
{
    return sqlite3_exec(SQ(js)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK ? 0
                                                                                      : PIVOT_EIO;
}

int pv_sqlite_commit(pv_jobstore *js)
{
    /* A full disk or an I/O error may have rolled the transaction back
     * already; what ran after it ran on its own and stands. */
    if (sqlite3_get_autocommit(SQ(js)->db))
        return 0;
    if (sqlite3_exec(SQ(js)->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    return PIVOT_EIO;
}

void pv_sqlite_rollback(pv_jobstore *js)
{
    if (!sqlite3_get_autocommit(SQ(js)->db))
        sqlite3_exec(SQ(js)->db, "ROLLBACK", NULL, NULL, NULL);
}

void pv_sqlite_failure(pv_jobstore *js, pv_store_failure *out)
{
    out->code = sqlite3_errcode(SQ(js)->db) & 0xff;
    out->sys_errno = sqlite3_system_errno(SQ(js)->db);
    snprintf(out->message, sizeof(out->message), "%s", sqlite3_errmsg(SQ(js)->db));
}

int pv_jobstore_failure_busy(const pv_store_failure *f)
{
    return f->code == SQLITE_BUSY || f->code == SQLITE_LOCKED;
}

int pv_jobstore_failure_full(const pv_store_failure *f)
{
    return f->code == SQLITE_FULL ||
           (f->code == SQLITE_IOERR && (f->sys_errno == ENOSPC || f->sys_errno == EDQUOT));
}

const char *pv_sqlite_errmsg(pv_jobstore *js)
{
    return sqlite3_errmsg(SQ(js)->db);
}

void pv_js_bind_text_or_null(sqlite3_stmt *st, int i, const char *text)
{
    if (text != NULL)
        sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Runs a statement that returns no rows; returns 0 or PIVOT_EIO. */
int pv_js_step_done(sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    pv_js_release(st);
    return rc == SQLITE_DONE ? 0 : PIVOT_EIO;
}

int pv_sqlite_insert(pv_jobstore *js, const pv_job *job)
{
    sqlite3_stmt *st = NULL;
    if (pv_js_prepare(js,
                      "INSERT INTO jobs (id, owner, status, request, spec, format, "
                      "range_start_ns, range_end_ns, created_ms, idempotency_key, priority) "
                      "VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)",
                      &st) != SQLITE_OK)
        return PIVOT_EIO;
    sqlite3_bind_text(st, 1, job->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, job->owner, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, job->request, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, job->spec, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, job->format, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, job->range_start_ns);
    sqlite3_bind_int64(st, 7, job->range_end_ns);
    sqlite3_bind_int64(st, 8, job->created_ms);
    pv_js_bind_text_or_null(st, 9, job->idempotency_key);
    sqlite3_bind_int(st, 10, job->priority);
    int rc = sqlite3_step(st);
    pv_js_release(st);
    if (rc == SQLITE_DONE)
        return 0;
    /* The one constraint an insert can break: the owner's Idempotency-Key. */
    return (rc & 0xff) == SQLITE_CONSTRAINT ? PIVOT_EEXIST : PIVOT_EIO;
}

int pv_sqlite_get(pv_jobstore *js, const char *id, const char *owner, pv_job *out)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;

    /* Callers may clear *out whatever the outcome. */
    memset(out, 0, sizeof(*out));
    if (pv_js_prepare(js,
                      "SELECT " JOB_COLUMNS " FROM jobs WHERE id = ?1 "
                      "AND (?2 IS NULL OR owner = ?2)",
                      &st) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    pv_js_bind_text_or_null(st, 2, owner);
    rc = pv_js_step_one_job(st, out);
out:
    pv_js_release(st);
    return rc;
}

/* Runs a SELECT of JOB_COLUMNS and visits each row. */
int pv_js_visit_rows(sqlite3_stmt *st, pv_job_visit_fn visit, void *arg)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        pv_job job;
        pv_js_read_job(st, &job);
        int stop = visit(arg, &job);
        pv_job_clear(&job);
        if (stop)
            return 0;
    }
    return rc == SQLITE_DONE ? 0 : PIVOT_EIO;
}

/* The API status of a row as a bit number of pv_job_status, for status masks. */
#define STATUS_BIT                                                                                 \
    "(CASE WHEN expired_ms IS NOT NULL THEN 5 WHEN status = 'queued' THEN 0 "                      \
    "WHEN status = 'processing' THEN 1 WHEN status = 'completed' THEN 2 "                          \
    "WHEN status = 'failed' THEN 3 ELSE 4 END)"

int pv_sqlite_list(pv_jobstore *js, const char *owner, unsigned status_mask, int64_t limit,
                   int64_t offset, int64_t *total, pv_job_visit_fn visit, void *arg)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;

    if (pv_js_prepare(js,
                      "SELECT count(*) FROM jobs WHERE (?1 IS NULL OR owner = ?1) "
                      "AND ((?2 >> " STATUS_BIT ") & 1)",
                      &st) != SQLITE_OK)
        goto out;
    pv_js_bind_text_or_null(st, 1, owner);
    sqlite3_bind_int(st, 2, (int)status_mask);
    if (sqlite3_step(st) != SQLITE_ROW)
        goto out;
    *total = sqlite3_column_int64(st, 0);
    pv_js_release(st);
    st = NULL;
    if (pv_js_prepare(js,
                      "SELECT " JOB_COLUMNS " FROM jobs WHERE (?1 IS NULL OR owner = ?1) "
                      "AND ((?2 >> " STATUS_BIT ") & 1) "
                      "ORDER BY created_ms DESC, rowid DESC LIMIT ?3 OFFSET ?4",
                      &st) != SQLITE_OK)
        goto out;
    pv_js_bind_text_or_null(st, 1, owner);
    sqlite3_bind_int(st, 2, (int)status_mask);
    sqlite3_bind_int64(st, 3, limit);
    sqlite3_bind_int64(st, 4, offset);
    rc = pv_js_visit_rows(st, visit, arg);
out:
    pv_js_release(st);
    return rc;
}

int pv_sqlite_cancel(pv_jobstore *js, const char *id, const char *owner, pv_cancel_outcome *outcome,
                     char **file_name)
{
    pv_job job;
    sqlite3_stmt *st = NULL;
    int rc;

    *file_name = NULL;
    if (sqlite3_exec(SQ(js)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return PIVOT_EIO;
    rc = pv_sqlite_get(js, id, owner, &job);
    if (rc != 0)
        goto out;
    rc = PIVOT_EIO;
    switch (job.status) {
    case PV_JOB_QUEUED:
        if (pv_js_prepare(js,
                          "UPDATE jobs SET status = 'cancelled', finished_ms = "
                          "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), "
                          "error = 'cancelled by the user before it started' WHERE id = ?",
                          &st) != SQLITE_OK)
            goto out;
        *outcome = PV_CANCEL_DONE;
        break;
    case PV_JOB_PROCESSING:
        if (pv_js_prepare(js, "UPDATE jobs SET cancel_requested = 1 WHERE id = ?", &st) !=
            SQLITE_OK)
            goto out;
        *outcome = PV_CANCEL_REQUESTED;
        break;
    default:
        if (pv_js_prepare(js, "DELETE FROM jobs WHERE id = ?", &st) != SQLITE_OK)
            goto out;
        *outcome = PV_CANCEL_DELETED;
        *file_name = job.file_name;
        job.file_name = NULL;
        break;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = pv_js_step_done(st);
out:
    pv_job_clear(&job);
    sqlite3_exec(SQ(js)->db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    if (rc != 0) {
        free(*file_name);
        *file_name = NULL;
    }
    return rc;
}

int pv_sqlite_count_running(pv_jobstore *js, int64_t *count)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;
    if (pv_js_prepare(js, "SELECT count(*) FROM jobs WHERE status = 'processing'", &st) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        *count = sqlite3_column_int64(st, 0);
        rc = 0;
    }
    pv_js_release(st);
    return rc;
}

int pv_sqlite_queue_position(pv_jobstore *js, const pv_job *job, int64_t *position)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;
    /* Jobs submitted earlier and still waiting: an upper bound, since fair
     * scheduling may start this one sooner. */
    if (pv_js_prepare(js,
                      "SELECT count(*) FROM jobs WHERE status = 'queued' AND "
                      "(created_ms < ?1 OR (created_ms = ?1 AND id < ?2))",
                      &st) == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, job->created_ms);
        sqlite3_bind_text(st, 2, job->id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            *position = sqlite3_column_int64(st, 0) + 1;
            rc = 0;
        }
    }
    pv_js_release(st);
    return rc;
}

int pv_sqlite_find_idempotent(pv_jobstore *js, const char *owner, const char *key, pv_job *out)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;

    memset(out, 0, sizeof(*out));
    if (pv_js_prepare(js,
                      "SELECT " JOB_COLUMNS " FROM jobs WHERE owner = ? AND "
                      "idempotency_key = ?",
                      &st) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    rc = pv_js_step_one_job(st, out);
out:
    pv_js_release(st);
    return rc;
}

pv_result_claim pv_sqlite_result_claim(pv_jobstore *js, const char *name, const char *job_id)
{
    sqlite3_stmt *st = NULL;
    pv_result_claim claim = PV_RESULT_IN_USE; /* on doubt, keep the file */
    if (pv_js_prepare(js,
                      "SELECT (SELECT count(*) FROM jobs WHERE file_name = ?1 OR "
                      "(id = ?2 AND status IN ('queued', 'processing'))), "
                      "EXISTS (SELECT 1 FROM jobs)",
                      &st) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, job_id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0)
            claim = sqlite3_column_int(st, 1) ? PV_RESULT_ORPHAN : PV_RESULT_UNACCOUNTED;
    }
    pv_js_release(st);
    return claim;
}

const pv_jobstore_ops pv_sqlite_ops = {
    .name = "sqlite",
    .close = pv_sqlite_close,
    .insert = pv_sqlite_insert,
    .get = pv_sqlite_get,
    .list = pv_sqlite_list,
    .cancel = pv_sqlite_cancel,
    .count_running = pv_sqlite_count_running,
    .claim_next = pv_sqlite_claim_next,
    .set_worker = pv_sqlite_set_worker,
    .progress = pv_sqlite_progress,
    .complete = pv_sqlite_complete,
    .finish = pv_sqlite_finish,
    .requeue = pv_sqlite_requeue,
    .each_running = pv_sqlite_each_running,
    .expire = pv_sqlite_expire,
    .queue_position = pv_sqlite_queue_position,
    .find_idempotent = pv_sqlite_find_idempotent,
    .result_claim = pv_sqlite_result_claim,
    .begin = pv_sqlite_begin,
    .commit = pv_sqlite_commit,
    .rollback = pv_sqlite_rollback,
    .failure = pv_sqlite_failure,
    .errmsg = pv_sqlite_errmsg,
    .each_result_file = pv_sqlite_each_result_file,
    .fail_completed = pv_sqlite_fail_completed,
    .figures = pv_sqlite_figures,
    .quota_limits = pv_sqlite_quota_limits,
    .quota_usage = pv_sqlite_quota_usage,
    .quota_set = pv_sqlite_quota_set,
};
