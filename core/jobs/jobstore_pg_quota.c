/*
 * The quota tables of the PostgreSQL job store (as quota_store.c's for
 * SQLite): per-user overrides in quotas, the quota_usage ledger filled by
 * triggers. Every node reads and writes the same rows, so a user's quota
 * holds across the cluster.
 */
#include "jobstore_pg.h"

#include "quota_store.h"

#include <pivot/common.h>
#include <stdio.h>
#include <string.h>

/* Runs sql with $1 = user and integers $2.. = args; reads column 0 of the
 * first row into *out (left alone when there is no row or it is NULL). */
static int query_int(pv_pg_store *s, const char *sql, const char *user, const int64_t *args,
                     int nargs, int64_t *out)
{
    char b[3][24];
    const char *p[4] = {user};
    PGresult *r;

    for (int i = 0; i < nargs && i < 3; i++)
        p[i + 1] = pv_pg_int(b[i], args[i]);
    r = pv_pg_exec(s, sql, nargs + 1, p);
    if (r == NULL)
        return PIVOT_EIO;
    if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
        *out = pv_pg_get_int(r, 0, 0);
    PQclear(r);
    return 0;
}

int pv_pg_quota_limits(pv_jobstore *js, const char *user, const pv_quota_limits *defaults,
                       pv_quota_limits *out)
{
    const char *p[] = {user};
    PGresult *r;

    *out = *defaults;
    r = pv_pg_exec(PG(js),
                   "SELECT max_running, max_queued, jobs_per_day, bytes_per_day, "
                   "max_channels, max_range_s FROM quotas WHERE owner = $1",
                   1, p);
    if (r == NULL)
        return PIVOT_EIO;
    for (int i = 0; PQntuples(r) > 0 && i < PV_QUOTA_NLIMITS; i++) {
        if (PQgetisnull(r, 0, i))
            continue;
        out->value[i] = pv_pg_get_int(r, 0, i);
        out->overridden[i] = 1;
    }
    PQclear(r);
    return 0;
}

int pv_pg_quota_usage(pv_jobstore *js, const char *user, const pv_quota_limits *lim, int64_t now_ms,
                      pv_quota_usage *out)
{
    pv_pg_store *s = PG(js);
    int64_t cut = now_ms - PV_QUOTA_WINDOW_MS;
    int64_t jobs_limit = lim->value[PV_QUOTA_JOBS_PER_DAY];
    int64_t bytes_limit = lim->value[PV_QUOTA_BYTES_PER_DAY];
    int64_t at = 0, gone = 0;
    const int64_t since[1] = {cut};

    memset(out, 0, sizeof(*out));
    if (query_int(s,
                  "WITH d AS (DELETE FROM quota_usage WHERE owner = $1 AND at_ms <= $2 "
                  "RETURNING 1) SELECT count(*) FROM d",
                  user, since, 1, &gone) != 0 ||
        query_int(s, "SELECT count(*) FROM jobs WHERE owner = $1 AND status = 'processing'", user,
                  NULL, 0, &out->running) != 0 ||
        query_int(s, "SELECT count(*) FROM jobs WHERE owner = $1 AND status = 'queued'", user, NULL,
                  0, &out->queued) != 0 ||
        query_int(s, "SELECT sum(jobs) FROM quota_usage WHERE owner = $1 AND at_ms > $2", user,
                  since, 1, &out->jobs_day) != 0 ||
        query_int(s, "SELECT sum(bytes) FROM quota_usage WHERE owner = $1 AND at_ms > $2", user,
                  since, 1, &out->bytes_day) != 0)
        return PIVOT_EIO;
    if (jobs_limit > 0 && out->jobs_day >= jobs_limit) {
        /* The count falls below the limit when the (used - limit + 1)th
         * oldest submission leaves the window. */
        int64_t args[2] = {cut, out->jobs_day - jobs_limit};
        if (query_int(s,
                      "SELECT at_ms FROM quota_usage WHERE owner = $1 AND jobs > 0 AND at_ms > $2 "
                      "ORDER BY at_ms LIMIT 1 OFFSET $3",
                      user, args, 2, &at) != 0)
            return PIVOT_EIO;
        out->jobs_frees_ms = at + PV_QUOTA_WINDOW_MS;
    }
    if (bytes_limit > 0 && out->bytes_day >= bytes_limit) {
        /* The first entry whose leaving brings the total under the limit. */
        int64_t args[3] = {cut, out->bytes_day, bytes_limit};
        at = 0;
        if (query_int(s,
                      "SELECT at_ms FROM (SELECT at_ms, sum(bytes) OVER (ORDER BY at_ms, seq) "
                      "AS gone FROM quota_usage WHERE owner = $1 AND bytes > 0 AND at_ms > $2) g "
                      "WHERE $3 - gone < $4 ORDER BY at_ms LIMIT 1",
                      user, args, 3, &at) != 0)
            return PIVOT_EIO;
        out->bytes_frees_ms = at + PV_QUOTA_WINDOW_MS;
    }
    return 0;
}

int pv_pg_quota_set(pv_jobstore *js, const char *user, const int touch[PV_QUOTA_NLIMITS],
                    const int64_t value[PV_QUOTA_NLIMITS], char *err, size_t errlen)
{
    pv_pg_store *s = PG(js);
    const char *p1[] = {user};
    int rc = PIVOT_EIO;

    if (pv_pg_run(s, "BEGIN", 0, NULL) != 0)
        goto out;
    s->in_transaction = 1;
    if (pv_pg_run(s, "INSERT INTO quotas (owner) VALUES ($1) ON CONFLICT DO NOTHING", 1, p1) != 0)
        goto out;
    for (int i = 0; i < PV_QUOTA_NLIMITS; i++) {
        char sql[128], b[24];
        const char *p[] = {user, value[i] >= 0 ? pv_pg_int(b, value[i]) : NULL};
        if (!touch[i])
            continue;
        /* The column name comes from the fixed table, never from input. */
        snprintf(sql, sizeof(sql), "UPDATE quotas SET %s = $2 WHERE owner = $1",
                 pv_quota_names[i].column);
        if (pv_pg_run(s, sql, 2, p) != 0)
            goto out;
    }
    if (pv_pg_run(s, "COMMIT", 0, NULL) != 0)
        goto out;
    s->in_transaction = 0;
    rc = 0;
out:
    if (rc != 0) {
        snprintf(err, errlen, "job store: cannot store the quota of %s: %s", user, s->message);
        js->ops->rollback(js);
    }
    return rc;
}
