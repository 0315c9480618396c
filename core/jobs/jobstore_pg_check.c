/* What `pivotd check` and a metrics scrape read from the PostgreSQL store,
 * as jobstore_sqlite_check.c's for SQLite. */
#include "jobstore_pg.h"

#include <pivot/common.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24 * 3600 * 1000LL)

int pv_pg_each_result_file(pv_jobstore *js, pv_job_visit_fn visit, void *arg)
{
    /* Expired jobs are tombstones whose file the retention sweep removed. */
    return pv_pg_visit_jobs(PG(js),
                            "SELECT " PG_JOB_COLUMNS " FROM jobs WHERE status = 'completed' "
                            "AND file_name IS NOT NULL AND expired_ms IS NULL ORDER BY created_ms",
                            0, NULL, visit, arg);
}

int pv_pg_fail_completed(pv_jobstore *js, const char *id, const char *message)
{
    const char *p[] = {id, message};
    PGresult *r = pv_pg_exec(PG(js),
                             "UPDATE jobs SET status = 'failed', error = $2 "
                             "WHERE id = $1 AND status = 'completed' AND expired_ms IS NULL",
                             2, p);
    int changed;

    if (r == NULL)
        return PIVOT_EIO;
    changed = atoi(PQcmdTuples(r));
    PQclear(r);
    return changed > 0 ? 0 : PIVOT_ENOENT;
}

int pv_pg_figures(pv_jobstore *js, int64_t now_ms, int max_users, pv_store_figures *out)
{
    char b[2][24];
    const char *p[] = {pv_pg_int(b[0], now_ms - DAY_MS),
                       pv_pg_int(b[1], max_users > 0 ? max_users : 0)};
    PGresult *r;
    int rc = PIVOT_EIO, n;

    /* One statement, so one snapshot: the statuses and the usage are of the same moment. */
    r = pv_pg_exec(PG(js),
                   "SELECT 's', status, count(*), min(created_ms), 0 FROM jobs GROUP BY status "
                   "UNION ALL (SELECT 'u', owner, sum(jobs)::bigint, sum(bytes)::bigint, "
                   "count(*) OVER () FROM quota_usage WHERE at_ms > $1 GROUP BY owner "
                   "ORDER BY sum(jobs) DESC, owner LIMIT $2)",
                   2, p);
    if (r == NULL)
        return PIVOT_EIO;
    n = PQntuples(r);
    out->users = calloc((size_t)n + 1, sizeof(*out->users));
    if (out->users == NULL)
        goto out;
    for (int i = 0; i < n; i++) {
        const char *name = PQgetvalue(r, i, 1);
        if (PQgetvalue(r, i, 0)[0] == 's') {
            int s = pv_job_status_parse(name);
            if (s < 0)
                continue;
            out->jobs[s] = pv_pg_get_int(r, i, 2);
            if (s == PV_JOB_QUEUED)
                out->oldest_queued_ms = pv_pg_get_int(r, i, 3);
        } else {
            pv_user_figures *u = &out->users[out->nusers];
            u->user = strdup(name);
            if (u->user == NULL)
                goto out;
            u->jobs = pv_pg_get_int(r, i, 2);
            u->bytes = pv_pg_get_int(r, i, 3);
            out->users_active = pv_pg_get_int(r, i, 4);
            out->nusers++;
        }
    }
    rc = 0;
out:
    PQclear(r);
    return rc;
}
