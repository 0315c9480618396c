/*
 * The PostgreSQL job store: its connection, the helpers of jobstore_pg.h
 * and the queries of the API (submission, reading, listing, cancelling).
 * Several pivotd nodes share one database; every statement is either one
 * atomic change or runs in a transaction that locks the rows it decides on.
 */
#include "jobstore_pg.h"

#include <inttypes.h>
#include <pivot/common.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Submissions hold this transaction-level advisory lock from their quota
 * check to their insert, so that two nodes admitting the same user's jobs
 * see each other's (what BEGIN IMMEDIATE gives the SQLite store). */
#define SUBMIT_LOCK "7301"

static void record_failure(pv_pg_store *s, const PGresult *r)
{
    const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r != NULL ? PQresultErrorMessage(r) : NULL;

    snprintf(s->sqlstate, sizeof(s->sqlstate), "%s", state != NULL ? state : "08006");
    snprintf(s->message, sizeof(s->message), "%s",
             msg != NULL && msg[0] != '\0' ? msg : PQerrorMessage(s->conn));
    /* libpq's messages end with a newline; the logs add their own. */
    s->message[strcspn(s->message, "\n")] = '\0';
}

/* Re-establishes a lost connection, with its subscription. */
static void reconnect(pv_pg_store *s)
{
    PQreset(s->conn);
    if (PQstatus(s->conn) == CONNECTION_OK && s->listening)
        PQclear(PQexec(s->conn, "LISTEN " PG_WAKE_CHANNEL));
}

PGresult *pv_pg_exec(pv_pg_store *s, const char *sql, int nparams, const char *const *params)
{
    PGresult *r;
    ExecStatusType st;

    /* After a server restart the connection is dead: reconnect before a
     * statement that starts afresh. Inside a transaction, the transaction
     * is lost anyway and the caller's rollback ends it. */
    if (PQstatus(s->conn) != CONNECTION_OK && !s->in_transaction)
        reconnect(s);
    r = PQexecParams(s->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return r;
    record_failure(s, r);
    PQclear(r);
    /* A connection that broke on a statement outside a transaction changed
     * nothing the caller counts on: one retry on a fresh connection lets a
     * node ride over a restart of the server. */
    if (PQstatus(s->conn) != CONNECTION_OK && !s->in_transaction) {
        reconnect(s);
        if (PQstatus(s->conn) == CONNECTION_OK) {
            r = PQexecParams(s->conn, sql, nparams, NULL, params, NULL, NULL, 0);
            st = PQresultStatus(r);
            if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
                return r;
            record_failure(s, r);
            PQclear(r);
        }
    }
    return NULL;
}

int pv_pg_run(pv_pg_store *s, const char *sql, int nparams, const char *const *params)
{
    PGresult *r = pv_pg_exec(s, sql, nparams, params);
    if (r == NULL)
        return PIVOT_EIO;
    PQclear(r);
    return 0;
}

const char *pv_pg_int(char *buf, int64_t value)
{
    snprintf(buf, 24, "%" PRId64, value);
    return buf;
}

int64_t pv_pg_get_int(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? 0 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static char *get_dup(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? NULL : strdup(PQgetvalue(r, row, col));
}

void pv_pg_read_job(const PGresult *r, int row, pv_job *job)
{
    memset(job, 0, sizeof(*job));
    snprintf(job->id, sizeof(job->id), "%s", PQgetvalue(r, row, 0));
    snprintf(job->owner, sizeof(job->owner), "%s", PQgetvalue(r, row, 1));
    job->status = pv_job_status_parse(PQgetvalue(r, row, 2));
    job->request = get_dup(r, row, 3);
    job->spec = get_dup(r, row, 4);
    job->format = get_dup(r, row, 5);
    job->range_start_ns = pv_pg_get_int(r, row, 6);
    job->range_end_ns = pv_pg_get_int(r, row, 7);
    job->progress = PQgetisnull(r, row, 8) ? 0 : strtod(PQgetvalue(r, row, 8), NULL);
    job->created_ms = pv_pg_get_int(r, row, 9);
    job->started_ms = pv_pg_get_int(r, row, 10);
    job->finished_ms = pv_pg_get_int(r, row, 11);
    job->heartbeat_ms = pv_pg_get_int(r, row, 12);
    job->worker_pid = pv_pg_get_int(r, row, 13);
    job->attempts = (int)pv_pg_get_int(r, row, 14);
    job->cancel_requested = (int)pv_pg_get_int(r, row, 15);
    job->file_name = get_dup(r, row, 16);
    job->file_size = pv_pg_get_int(r, row, 17);
    job->channels_exported = pv_pg_get_int(r, row, 18);
    job->samples = pv_pg_get_int(r, row, 19);
    job->actual_start_ns = pv_pg_get_int(r, row, 20);
    job->actual_end_ns = pv_pg_get_int(r, row, 21);
    job->error = get_dup(r, row, 22);
    job->expired_ms = pv_pg_get_int(r, row, 23);
    job->idempotency_key = get_dup(r, row, 24);
    job->priority = (int)pv_pg_get_int(r, row, 25);
    job->result_detail = get_dup(r, row, 26);
    if (job->expired_ms != 0)
        job->status = PV_JOB_EXPIRED;
}

int pv_pg_one_job(pv_pg_store *s, const char *sql, int nparams, const char *const *params,
                  pv_job *out)
{
    PGresult *r = pv_pg_exec(s, sql, nparams, params);
    int rc = PIVOT_EIO;

    if (r == NULL)
        return rc;
    rc = PQntuples(r) == 0 ? PIVOT_ENOENT : 0;
    if (rc == 0 && out != NULL)
        pv_pg_read_job(r, 0, out);
    PQclear(r);
    return rc;
}

int pv_pg_visit_jobs(pv_pg_store *s, const char *sql, int nparams, const char *const *params,
                     pv_job_visit_fn visit, void *arg)
{
    PGresult *r = pv_pg_exec(s, sql, nparams, params);

    if (r == NULL)
        return PIVOT_EIO;
    for (int i = 0; i < PQntuples(r); i++) {
        pv_job job;
        pv_pg_read_job(r, i, &job);
        int stop = visit(arg, &job);
        pv_job_clear(&job);
        if (stop)
            break;
    }
    PQclear(r);
    return 0;
}

static void pg_rollback(pv_jobstore *js);

static int pg_begin(pv_jobstore *js)
{
    pv_pg_store *s = PG(js);
    if (pv_pg_run(s, "BEGIN", 0, NULL) != 0)
        return PIVOT_EIO;
    s->in_transaction = 1;
    /* Callers do not roll back a begin that failed: end it here. */
    if (pv_pg_run(s, "SELECT pg_advisory_xact_lock(" SUBMIT_LOCK ")", 0, NULL) != 0) {
        char state[sizeof(s->sqlstate)], message[sizeof(s->message)];
        memcpy(state, s->sqlstate, sizeof(state));
        memcpy(message, s->message, sizeof(message));
        pg_rollback(js);
        memcpy(s->sqlstate, state, sizeof(state));
        memcpy(s->message, message, sizeof(message));
        return PIVOT_EIO;
    }
    return 0;
}

static int pg_commit(pv_jobstore *js)
{
    pv_pg_store *s = PG(js);
    if (!s->in_transaction)
        return 0;
    if (pv_pg_run(s, "COMMIT", 0, NULL) != 0)
        return PIVOT_EIO;
    s->in_transaction = 0;
    return 0;
}

static void pg_rollback(pv_jobstore *js)
{
    pv_pg_store *s = PG(js);
    if (!s->in_transaction)
        return;
    s->in_transaction = 0;
    if (PQstatus(s->conn) == CONNECTION_OK)
        PQclear(PQexec(s->conn, "ROLLBACK"));
}

static void pg_failure(pv_jobstore *js, pv_store_failure *out)
{
    pv_pg_store *s = PG(js);
    const char *st = s->sqlstate;

    /* Told in SQLite's codes, which the API's answers are written for: lock
     * waits, deadlocks and a server out of reach are "busy, retry", a full
     * disk is "full", anything else an I/O error. */
    out->sys_errno = 0;
    if (strcmp(st, "55P03") == 0 || strcmp(st, "40P01") == 0 || strcmp(st, "40001") == 0 ||
        strncmp(st, "08", 2) == 0 || strcmp(st, "57P01") == 0 || strcmp(st, "57P03") == 0)
        out->code = SQLITE_BUSY;
    else if (strcmp(st, "53100") == 0)
        out->code = SQLITE_FULL;
    else
        out->code = SQLITE_IOERR;
    snprintf(out->message, sizeof(out->message), "PostgreSQL: %s", s->message);
}

static const char *pg_errmsg(pv_jobstore *js)
{
    return PG(js)->message;
}

static void pg_close(pv_jobstore *js)
{
    if (js == NULL)
        return;
    PQfinish(PG(js)->conn);
    free(PG(js)->node_name);
    free(js);
}

static int pg_insert(pv_jobstore *js, const pv_job *job)
{
    char b1[24], b2[24], b3[24], b4[24];
    const char *p[] = {job->id,
                       job->owner,
                       job->request,
                       job->spec,
                       job->format,
                       pv_pg_int(b1, job->range_start_ns),
                       pv_pg_int(b2, job->range_end_ns),
                       pv_pg_int(b3, job->created_ms),
                       job->idempotency_key,
                       pv_pg_int(b4, job->priority)};
    if (pv_pg_run(PG(js),
                  "INSERT INTO jobs (id, owner, status, request, spec, format, range_start_ns, "
                  "range_end_ns, created_ms, idempotency_key, priority) "
                  "VALUES ($1, $2, 'queued', $3, $4, $5, $6, $7, $8, $9, $10)",
                  10, p) == 0)
        /* Wakes idle nodes; delivered when the submission commits. */
        return pv_pg_run(PG(js), "SELECT pg_notify('" PG_WAKE_CHANNEL "', 'queued')", 0, NULL);
    /* The one constraint an insert can break: the owner's Idempotency-Key. */
    return strcmp(PG(js)->sqlstate, "23505") == 0 ? PIVOT_EEXIST : PIVOT_EIO;
}

static int pg_get(pv_jobstore *js, const char *id, const char *owner, pv_job *out)
{
    const char *p[] = {id, owner};
    memset(out, 0, sizeof(*out));
    return pv_pg_one_job(PG(js),
                         "SELECT " PG_JOB_COLUMNS " FROM jobs WHERE id = $1 "
                         "AND ($2::text IS NULL OR owner = $2)",
                         2, p, out);
}

/* The API status of a row as a bit number of pv_job_status, for status masks. */
#define PG_STATUS_BIT                                                                              \
    "(CASE WHEN expired_ms IS NOT NULL THEN 5 WHEN status = 'queued' THEN 0 "                      \
    "WHEN status = 'processing' THEN 1 WHEN status = 'completed' THEN 2 "                          \
    "WHEN status = 'failed' THEN 3 ELSE 4 END)"

static int pg_list(pv_jobstore *js, const char *owner, unsigned status_mask, int64_t limit,
                   int64_t offset, int64_t *total, pv_job_visit_fn visit, void *arg)
{
    char b1[24], b2[24], b3[24];
    const char *p[] = {owner, pv_pg_int(b1, status_mask), pv_pg_int(b2, limit),
                       pv_pg_int(b3, offset)};
    PGresult *r = pv_pg_exec(PG(js),
                             "SELECT count(*) FROM jobs WHERE ($1::text IS NULL OR owner = $1) "
                             "AND (($2::int >> " PG_STATUS_BIT ") & 1) = 1",
                             2, p);
    if (r == NULL)
        return PIVOT_EIO;
    *total = pv_pg_get_int(r, 0, 0);
    PQclear(r);
    return pv_pg_visit_jobs(PG(js),
                            "SELECT " PG_JOB_COLUMNS " FROM jobs WHERE ($1::text IS NULL OR "
                            "owner = $1) AND (($2::int >> " PG_STATUS_BIT ") & 1) = 1 "
                            "ORDER BY created_ms DESC, seq DESC LIMIT $3 OFFSET $4",
                            4, p, visit, arg);
}

static int pg_cancel(pv_jobstore *js, const char *id, const char *owner, pv_cancel_outcome *outcome,
                     char **file_name)
{
    pv_pg_store *s = PG(js);
    const char *p[] = {id, owner};
    const char *sql = NULL;
    pv_job job;
    int rc;

    *file_name = NULL;
    memset(&job, 0, sizeof(job));
    if (pv_pg_run(s, "BEGIN", 0, NULL) != 0)
        return PIVOT_EIO;
    s->in_transaction = 1;
    /* The row stays locked until the change: a claim on another node skips
     * it, a completion waits for it. */
    rc = pv_pg_one_job(s,
                       "SELECT " PG_JOB_COLUMNS " FROM jobs WHERE id = $1 "
                       "AND ($2::text IS NULL OR owner = $2) FOR UPDATE",
                       2, p, &job);
    if (rc != 0)
        goto out;
    switch (job.status) {
    case PV_JOB_QUEUED:
        sql = "UPDATE jobs SET status = 'cancelled', "
              "finished_ms = (extract(epoch from clock_timestamp()) * 1000)::bigint, "
              "error = 'cancelled by the user before it started' WHERE id = $1";
        *outcome = PV_CANCEL_DONE;
        break;
    case PV_JOB_PROCESSING:
        sql = "UPDATE jobs SET cancel_requested = 1 WHERE id = $1";
        *outcome = PV_CANCEL_REQUESTED;
        break;
    default:
        sql = "DELETE FROM jobs WHERE id = $1";
        *outcome = PV_CANCEL_DELETED;
        *file_name = job.file_name;
        job.file_name = NULL;
        break;
    }
    rc = pv_pg_run(s, sql, 1, p);
    /* Wakes the nodes: the one running the job passes the cancel on. */
    if (rc == 0)
        rc = pv_pg_run(s, "SELECT pg_notify('" PG_WAKE_CHANNEL "', 'cancel')", 0, NULL);
    if (rc == 0)
        rc = pg_commit(js);
out:
    pv_job_clear(&job);
    if (rc != 0) {
        pg_rollback(js);
        free(*file_name);
        *file_name = NULL;
    }
    return rc;
}

static int pg_count_running(pv_jobstore *js, int64_t *count)
{
    PGresult *r =
        pv_pg_exec(PG(js), "SELECT count(*) FROM jobs WHERE status = 'processing'", 0, NULL);
    if (r == NULL)
        return PIVOT_EIO;
    *count = pv_pg_get_int(r, 0, 0);
    PQclear(r);
    return 0;
}

static int pg_queue_position(pv_jobstore *js, const pv_job *job, int64_t *position)
{
    char b1[24];
    const char *p[] = {pv_pg_int(b1, job->created_ms), job->id};
    PGresult *r = pv_pg_exec(PG(js),
                             "SELECT count(*) FROM jobs WHERE status = 'queued' AND "
                             "(created_ms < $1 OR (created_ms = $1 AND id < $2))",
                             2, p);
    if (r == NULL)
        return PIVOT_EIO;
    *position = pv_pg_get_int(r, 0, 0) + 1;
    PQclear(r);
    return 0;
}

static int pg_find_idempotent(pv_jobstore *js, const char *owner, const char *key, pv_job *out)
{
    const char *p[] = {owner, key};
    memset(out, 0, sizeof(*out));
    return pv_pg_one_job(PG(js),
                         "SELECT " PG_JOB_COLUMNS " FROM jobs WHERE owner = $1 AND "
                         "idempotency_key = $2",
                         2, p, out);
}

static pv_result_claim pg_result_claim(pv_jobstore *js, const char *name, const char *job_id)
{
    const char *p[] = {name, job_id};
    pv_result_claim claim = PV_RESULT_IN_USE; /* on doubt, keep the file */
    PGresult *r = pv_pg_exec(PG(js),
                             "SELECT (SELECT count(*) FROM jobs WHERE file_name = $1 OR "
                             "(id = $2 AND status IN ('queued', 'processing'))), "
                             "EXISTS (SELECT 1 FROM jobs)",
                             2, p);
    if (r == NULL)
        return claim;
    if (pv_pg_get_int(r, 0, 0) == 0)
        claim = strcmp(PQgetvalue(r, 0, 1), "t") == 0 ? PV_RESULT_ORPHAN : PV_RESULT_UNACCOUNTED;
    PQclear(r);
    return claim;
}

static const pv_jobstore_ops pg_ops = {
    .name = "postgresql",
    .close = pg_close,
    .insert = pg_insert,
    .get = pg_get,
    .list = pg_list,
    .cancel = pg_cancel,
    .count_running = pg_count_running,
    .claim_next = pv_pg_claim_next,
    .set_worker = pv_pg_set_worker,
    .progress = pv_pg_progress,
    .complete = pv_pg_complete,
    .finish = pv_pg_finish,
    .requeue = pv_pg_requeue,
    .each_running = pv_pg_each_running,
    .expire = pv_pg_expire,
    .queue_position = pg_queue_position,
    .find_idempotent = pg_find_idempotent,
    .result_claim = pg_result_claim,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .failure = pg_failure,
    .errmsg = pg_errmsg,
    .join = pv_pg_join,
    .node_beat = pv_pg_node_beat,
    .listen = pv_pg_listen,
    .wake_fd = pv_pg_wake_fd,
    .drain_wakeups = pv_pg_drain_wakeups,
    .each_result_file = pv_pg_each_result_file,
    .fail_completed = pv_pg_fail_completed,
    .figures = pv_pg_figures,
    .quota_limits = pv_pg_quota_limits,
    .quota_usage = pv_pg_quota_usage,
    .quota_set = pv_pg_quota_set,
};

/* libpq prints notices (NOTICE from CREATE ... IF NOT EXISTS) to stderr by default. */
static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

int pv_jobstore_pg_open(const char *uri, pv_jobstore **out, char *err, size_t errlen)
{
    pv_pg_store *s = calloc(1, sizeof(*s));
    int rc = PIVOT_EIO;

    if (s == NULL)
        return PIVOT_ENOMEM;
    s->base.ops = &pg_ops;
    s->conn = PQconnectdb(uri);
    if (PQstatus(s->conn) != CONNECTION_OK) {
        char msg[256];
        snprintf(msg, sizeof(msg), "%s", PQerrorMessage(s->conn));
        msg[strcspn(msg, "\n")] = '\0';
        /* The URI may hold a password: name the server by its parts. */
        snprintf(err, errlen,
                 "cannot connect to the PostgreSQL job store (job_store, database %s on %s): %s",
                 PQdb(s->conn) ? PQdb(s->conn) : "?", PQhost(s->conn) ? PQhost(s->conn) : "?", msg);
        goto out;
    }
    PQsetNoticeProcessor(s->conn, ignore_notice, NULL);
    rc = pv_pg_migrate(s, err, errlen);
    if (rc != 0)
        goto out;
    *out = &s->base;
    s = NULL;
out:
    if (s != NULL)
        pg_close(&s->base);
    return rc;
}
