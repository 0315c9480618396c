/*
 * Several nodes on one PostgreSQL store: a node's identity on its
 * connections, its heartbeat and the taking back of a dead node's jobs, and
 * the wake-ups (LISTEN/NOTIFY) that start a job submitted on another node,
 * or pass a cancel to the node running the job, without polling.
 */
#include "jobstore_pg.h"

#include <pivot/common.h>
#include <stdlib.h>
#include <string.h>

/* Held (for a transaction) by the one node that does the cluster's periodic
 * work at a time: taking back dead nodes' jobs. Others skip it. */
#define TAKEOVER_LOCK "7303"

int pv_pg_join(pv_jobstore *js, const pv_cluster_node *node)
{
    pv_pg_store *s = PG(js);
    char *name = strdup(node->name);

    if (name == NULL)
        return PIVOT_ENOMEM;
    free(s->node_name);
    s->node = *node;
    s->node_name = name;
    s->node.name = name;
    return 0;
}

int pv_pg_node_beat(pv_jobstore *js, int64_t now_ms, int max_attempts, pv_job_visit_fn visit,
                    void *arg)
{
    pv_pg_store *s = PG(js);
    char b1[24], b2[24], b3[24];
    const char *beat[] = {s->node_name, pv_pg_int(b1, now_ms)};
    const char *p[] = {s->node_name, pv_pg_int(b1, now_ms),
                       pv_pg_int(b2, now_ms - s->node.heartbeat_timeout_ms),
                       pv_pg_int(b3, max_attempts), PV_JOB_INTERRUPTED_TOO_OFTEN};
    PGresult *r;
    int rc = PIVOT_EIO, taken = 0;

    if (s->node_name == NULL)
        return 0;
    if (pv_pg_run(s,
                  "INSERT INTO nodes (name, heartbeat_ms, started_ms) VALUES ($1, $2, $2) "
                  "ON CONFLICT (name) DO UPDATE SET heartbeat_ms = $2",
                  2, beat) != 0)
        return PIVOT_EIO;
    if (pv_pg_run(s, "BEGIN", 0, NULL) != 0)
        return PIVOT_EIO;
    s->in_transaction = 1;
    r = pv_pg_exec(s, "SELECT pg_try_advisory_xact_lock(" TAKEOVER_LOCK ")", 0, NULL);
    if (r == NULL)
        goto out;
    if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
        PQclear(r);
        rc = 0; /* another node does it this time */
        goto out;
    }
    PQclear(r);
    /* The jobs of nodes silent past the timeout: a cancel asked is done, the
     * rest queued again under the attempts rule (each claim counted one).
     * The node's row goes too; should it come back, its writes no longer
     * match these jobs (they name another node, or none). */
    r = pv_pg_exec(s,
                   "WITH dead AS (DELETE FROM nodes WHERE heartbeat_ms < $3 AND name <> $1 "
                   "RETURNING name) "
                   "UPDATE jobs SET node = NULL, worker_pid = NULL, cancel_requested = 0, "
                   "status = CASE WHEN cancel_requested <> 0 THEN 'cancelled' "
                   " WHEN attempts < $4::int THEN 'queued' ELSE 'failed' END, "
                   "finished_ms = CASE WHEN cancel_requested = 0 AND attempts < $4::int "
                   " THEN NULL ELSE $2::bigint END, "
                   "error = CASE WHEN cancel_requested <> 0 THEN 'cancelled by the user while "
                   "processing' WHEN attempts < $4::int THEN NULL "
                   " ELSE replace($5::text, '%d', attempts::text) END "
                   "WHERE status = 'processing' AND node IN (SELECT name FROM dead) "
                   "RETURNING " PG_JOB_COLUMNS,
                   5, p);
    if (r == NULL)
        goto out;
    taken = PQntuples(r);
    for (int i = 0; i < taken; i++) {
        pv_job job;
        pv_pg_read_job(r, i, &job);
        if (visit != NULL)
            visit(arg, &job);
        pv_job_clear(&job);
    }
    PQclear(r);
    if (taken > 0 &&
        pv_pg_run(s, "SELECT pg_notify('" PG_WAKE_CHANNEL "', 'queued')", 0, NULL) != 0)
        goto out;
    rc = 0;
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

int pv_pg_listen(pv_jobstore *js)
{
    pv_pg_store *s = PG(js);
    if (pv_pg_run(s, "LISTEN " PG_WAKE_CHANNEL, 0, NULL) != 0)
        return PIVOT_EIO;
    s->listening = 1;
    return 0;
}

int pv_pg_wake_fd(pv_jobstore *js)
{
    pv_pg_store *s = PG(js);
    return s->listening && PQstatus(s->conn) == CONNECTION_OK ? PQsocket(s->conn) : -1;
}

int pv_pg_drain_wakeups(pv_jobstore *js)
{
    pv_pg_store *s = PG(js);
    PGnotify *n;
    int count = 0;

    /* A closed socket reads as input too: the next statement reconnects. */
    PQconsumeInput(s->conn);
    while ((n = PQnotifies(s->conn)) != NULL) {
        PQfreemem(n);
        count++;
    }
    return count;
}
