#include "quota_store.h"

#include "jobstore_internal.h"

#include <pivot/common.h>
#include <stdio.h>
#include <string.h>

/* Runs sql with text ?1 = user and integers ?2.. = args; reads column 0 of
 * the first row into *out (left alone when there is no row or it is NULL).
 * Returns 0 or PIVOT_EIO. */
static int query_int(sqlite3 *db, const char *sql, const char *user, const int64_t *args, int nargs,
                     int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO, step;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    for (int i = 0; i < nargs; i++)
        sqlite3_bind_int64(st, i + 2, args[i]);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = sqlite3_column_int64(st, 0);
    if (step == SQLITE_ROW || step == SQLITE_DONE)
        rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

int pv_sqlite_quota_limits(pv_jobstore *js, const char *user, const pv_quota_limits *defaults,
                           pv_quota_limits *out)
{
    sqlite3 *db = SQ(js)->db;
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO, step;

    *out = *defaults;
    if (sqlite3_prepare_v2(db,
                           "SELECT max_running, max_queued, jobs_per_day, bytes_per_day, "
                           "max_channels, max_range_s FROM quotas WHERE user = ?",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        for (int i = 0; i < PV_QUOTA_NLIMITS; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_NULL)
                continue;
            out->value[i] = sqlite3_column_int64(st, i);
            out->overridden[i] = 1;
        }
    }
    if (step == SQLITE_ROW || step == SQLITE_DONE)
        rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

int pv_sqlite_quota_usage(pv_jobstore *js, const char *user, const pv_quota_limits *lim,
                          int64_t now_ms, pv_quota_usage *out)
{
    sqlite3 *db = SQ(js)->db;
    int64_t cut = now_ms - PV_QUOTA_WINDOW_MS;
    int64_t jobs_limit = lim->value[PV_QUOTA_JOBS_PER_DAY];
    int64_t bytes_limit = lim->value[PV_QUOTA_BYTES_PER_DAY];
    int64_t at = 0, stale = 0;
    sqlite3_stmt *st = NULL;

    memset(out, 0, sizeof(*out));
    /* Best effort: a busy store only delays forgetting old entries. Looked
     * for first, as a delete waits for the write lock even when it has
     * nothing to delete, and a submission then waits for it twice. */
    if (query_int(db, "SELECT EXISTS (SELECT 1 FROM quota_usage WHERE user = ?1 AND at_ms <= ?2)",
                  user, &cut, 1, &stale) == 0 &&
        stale != 0 &&
        sqlite3_prepare_v2(db, "DELETE FROM quota_usage WHERE user = ?1 AND at_ms <= ?2", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, cut);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (query_int(db, "SELECT count(*) FROM jobs WHERE owner = ?1 AND status = 'processing'", user,
                  NULL, 0, &out->running) != 0 ||
        query_int(db, "SELECT count(*) FROM jobs WHERE owner = ?1 AND status = 'queued'", user,
                  NULL, 0, &out->queued) != 0 ||
        query_int(db, "SELECT sum(jobs) FROM quota_usage WHERE user = ?1 AND at_ms > ?2", user,
                  &cut, 1, &out->jobs_day) != 0 ||
        query_int(db, "SELECT sum(bytes) FROM quota_usage WHERE user = ?1 AND at_ms > ?2", user,
                  &cut, 1, &out->bytes_day) != 0)
        return PIVOT_EIO;
    if (jobs_limit > 0 && out->jobs_day >= jobs_limit) {
        /* The count falls below the limit when the (used - limit + 1)th
         * oldest submission leaves the window. */
        int64_t args[2] = {cut, out->jobs_day - jobs_limit};
        if (query_int(db,
                      "SELECT at_ms FROM quota_usage WHERE user = ?1 AND jobs > 0 AND at_ms > ?2 "
                      "ORDER BY at_ms LIMIT 1 OFFSET ?3",
                      user, args, 2, &at) != 0)
            return PIVOT_EIO;
        out->jobs_frees_ms = at + PV_QUOTA_WINDOW_MS;
    }
    if (bytes_limit > 0 && out->bytes_day >= bytes_limit) {
        /* The first entry whose leaving brings the total under the limit. */
        int64_t args[3] = {cut, out->bytes_day, bytes_limit};
        at = 0;
        if (query_int(db,
                      "SELECT at_ms FROM (SELECT at_ms, sum(bytes) OVER (ORDER BY at_ms, rowid) "
                      "AS gone FROM quota_usage WHERE user = ?1 AND bytes > 0 AND at_ms > ?2) "
                      "WHERE ?3 - gone < ?4 ORDER BY at_ms LIMIT 1",
                      user, args, 3, &at) != 0)
            return PIVOT_EIO;
        out->bytes_frees_ms = at + PV_QUOTA_WINDOW_MS;
    }
    return 0;
}

static int exec_sql(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    int rc = 0;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "job store: %s", msg ? msg : sqlite3_errmsg(db));
        rc = PIVOT_EIO;
    }
    sqlite3_free(msg);
    return rc;
}

int pv_sqlite_quota_set(pv_jobstore *js, const char *user, const int touch[PV_QUOTA_NLIMITS],
                        const int64_t value[PV_QUOTA_NLIMITS], char *err, size_t errlen)
{
    sqlite3 *db = SQ(js)->db;
    sqlite3_stmt *st = NULL;
    int rc = exec_sql(db, "BEGIN IMMEDIATE", err, errlen);

    if (rc != 0)
        return rc;
    rc = PIVOT_EIO;
    if (sqlite3_prepare_v2(db, "INSERT INTO quotas (user) VALUES (?) ON CONFLICT DO NOTHING", -1,
                           &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        goto out;
    for (int i = 0; i < PV_QUOTA_NLIMITS; i++) {
        char sql[128];
        if (!touch[i])
            continue;
        sqlite3_finalize(st);
        /* The column name comes from the fixed table, never from input. */
        snprintf(sql, sizeof(sql), "UPDATE quotas SET %s = ?2 WHERE user = ?1",
                 pv_quota_names[i].column);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
            goto out;
        sqlite3_bind_text(st, 1, user, -1, SQLITE_STATIC);
        if (value[i] >= 0)
            sqlite3_bind_int64(st, 2, value[i]);
        else
            sqlite3_bind_null(st, 2);
        if (sqlite3_step(st) != SQLITE_DONE)
            goto out;
    }
    rc = 0;
out:
    if (rc != 0)
        snprintf(err, errlen, "job store: cannot store the quota of %s: %s", user,
                 sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_exec(db, rc == 0 ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int pv_quota_store_publish_defaults(pv_jobstore *js, const pv_quota_limits *defaults, char *err,
                                    size_t errlen)
{
    int touch[PV_QUOTA_NLIMITS];
    for (int i = 0; i < PV_QUOTA_NLIMITS; i++)
        touch[i] = 1;
    return pv_quota_store_set(js, PV_QUOTA_DEFAULTS_USER, touch, defaults->value, err, errlen);
}

int pv_quota_store_publish_config(pv_jobstore *js, const pv_config *cfg, char *err, size_t errlen)
{
    pv_quota_limits defaults;
    pv_quota_defaults(cfg, &defaults);
    return pv_quota_store_publish_defaults(js, &defaults, err, errlen);
}
