/* What `pivotd check` and a metrics scrape read from the SQLite store: the
 * result files it vouches for, marking a job whose file is gone, and the
 * figures by status and user. */
#include "jobstore_internal.h"

#include <pivot/common.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24 * 3600 * 1000LL)

int pv_sqlite_each_result_file(pv_jobstore *js, pv_job_visit_fn visit, void *arg)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;

    /* Expired jobs are tombstones whose file the retention sweep removed. */
    if (pv_js_prepare(js,
                      "SELECT " JOB_COLUMNS " FROM jobs WHERE status = 'completed' "
                      "AND file_name IS NOT NULL AND expired_ms IS NULL ORDER BY created_ms",
                      &st) == SQLITE_OK)
        rc = pv_js_visit_rows(st, visit, arg);
    pv_js_release(st);
    return rc;
}

int pv_sqlite_fail_completed(pv_jobstore *js, const char *id, const char *message)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (pv_js_prepare(js,
                      "UPDATE jobs SET status = 'failed', error = ?2 "
                      "WHERE id = ?1 AND status = 'completed' AND expired_ms IS NULL",
                      &st) != SQLITE_OK)
        return PIVOT_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, message, -1, SQLITE_STATIC);
    rc = pv_js_step_done(st);
    if (rc == 0 && sqlite3_changes(SQ(js)->db) == 0)
        rc = PIVOT_ENOENT;
    return rc;
}

static int read_statuses(pv_jobstore *js, pv_store_figures *out)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO, step;

    if (pv_js_prepare(js, "SELECT status, count(*), min(created_ms) FROM jobs GROUP BY status",
                      &st) != SQLITE_OK)
        goto out;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int s = pv_job_status_parse((const char *)sqlite3_column_text(st, 0));
        if (s < 0)
            continue;
        out->jobs[s] = sqlite3_column_int64(st, 1);
        if (s == PV_JOB_QUEUED)
            out->oldest_queued_ms = sqlite3_column_int64(st, 2);
    }
    if (step == SQLITE_DONE)
        rc = 0;
out:
    pv_js_release(st);
    return rc;
}

static int read_users(pv_jobstore *js, int64_t now_ms, int max_users, pv_store_figures *out)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO, step;

    if (max_users <= 0)
        max_users = 0;
    out->users = calloc((size_t)max_users + 1, sizeof(*out->users));
    if (out->users == NULL ||
        pv_js_prepare(js,
                      "SELECT user, sum(jobs), sum(bytes), count(*) OVER () FROM quota_usage"
                      " WHERE at_ms > ?1 GROUP BY user ORDER BY sum(jobs) DESC, user LIMIT ?2",
                      &st) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, now_ms - DAY_MS);
    sqlite3_bind_int(st, 2, max_users);
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        pv_user_figures *u = &out->users[out->nusers];
        u->user = strdup((const char *)sqlite3_column_text(st, 0));
        if (u->user == NULL)
            goto out;
        u->jobs = sqlite3_column_int64(st, 1);
        u->bytes = sqlite3_column_int64(st, 2);
        out->users_active = sqlite3_column_int64(st, 3);
        out->nusers++;
    }
    if (step == SQLITE_DONE)
        rc = 0;
out:
    pv_js_release(st);
    return rc;
}

int pv_sqlite_figures(pv_jobstore *js, int64_t now_ms, int max_users, pv_store_figures *out)
{
    sqlite3 *db = SQ(js)->db;
    int rc;

    /* One read transaction: the statuses and the usage are of the same moment. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return PIVOT_EIO;
    rc = read_statuses(js, out);
    if (rc == 0)
        rc = read_users(js, now_ms, max_users, out);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return rc;
}
