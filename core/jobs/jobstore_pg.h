/*
 * Shared by the files of the PostgreSQL job store: the connection and the
 * helpers that run statements on it and read job rows. jobstore_pg.c holds
 * the connection and the API's queries, jobstore_pg_lifecycle.c the
 * transitions of the scheduler and workers, jobstore_pg_quota.c the quota
 * tables, jobstore_pg_schema.c the migrations.
 * Not for other modules; they use jobstore.h.
 */
#ifndef PV_JOBSTORE_PG_H
#define PV_JOBSTORE_PG_H

#include "jobstore_backend.h"

#include <libpq-fe.h>

/* A PostgreSQL connection: the backend's pv_jobstore, embedded first. */
typedef struct pv_pg_store {
    pv_jobstore base;
    PGconn *conn;
    int in_transaction;   /* between pv_jobstore_begin and commit/rollback */
    char sqlstate[6];     /* of the last failed statement, "" when none */
    char message[224];    /* its message */
    pv_cluster_node node; /* as joined (name NULL: not a node, e.g. `pivotd quota`) */
    char *node_name;      /* node.name's copy */
    int listening;        /* LISTEN issued: repeated after a reconnect */
} pv_pg_store;

/* The channel of the cluster's wake-ups (NOTIFY): a job queued or cancelled. */
#define PG_WAKE_CHANNEL "pivot_jobs"

#define PG(js) ((pv_pg_store *)(js))

/* The columns pv_pg_read_job reads, in its order (as the SQLite store's). */
#define PG_JOB_COLUMNS                                                                             \
    "id, owner, status, request, spec, format, range_start_ns, range_end_ns, progress, "           \
    "created_ms, started_ms, finished_ms, heartbeat_ms, worker_pid, attempts, "                    \
    "cancel_requested, file_name, file_size, channels_exported, samples, actual_start_ns, "        \
    "actual_end_ns, error, expired_ms, idempotency_key, priority, result_detail"

/**
 * Runs sql with text parameters (NULL entries are SQL NULL). Returns the
 * result when it succeeded (caller PQclear()s), or NULL with the failure
 * recorded for pv_jobstore_failure. A lost connection is re-established
 * once, outside a transaction, before the statement runs.
 */
PGresult *pv_pg_exec(pv_pg_store *s, const char *sql, int nparams, const char *const *params);

/** pv_pg_exec of a statement whose rows are not wanted; 0 or PIVOT_EIO. */
int pv_pg_run(pv_pg_store *s, const char *sql, int nparams, const char *const *params);

/** A 64-bit integer as text for a parameter; buf holds at least 24 bytes. */
const char *pv_pg_int(char *buf, int64_t value);

/** The integer in a cell, 0 when it is NULL. */
int64_t pv_pg_get_int(const PGresult *r, int row, int col);

/** Fills job from row of a result selecting PG_JOB_COLUMNS. */
void pv_pg_read_job(const PGresult *r, int row, pv_job *job);

/** Runs a SELECT of PG_JOB_COLUMNS expected to match at most one row: 0, PIVOT_ENOENT or PIVOT_EIO.
 */
int pv_pg_one_job(pv_pg_store *s, const char *sql, int nparams, const char *const *params,
                  pv_job *out);

/** Runs a SELECT of PG_JOB_COLUMNS and visits each row, as pv_job_visit_fn's contract. */
int pv_pg_visit_jobs(pv_pg_store *s, const char *sql, int nparams, const char *const *params,
                     pv_job_visit_fn visit, void *arg);

/** Brings the database to the current schema (jobstore_pg_schema.c); 0 or an error with a message.
 */
int pv_pg_migrate(pv_pg_store *s, char *err, size_t errlen);

/* The operations (jobstore_pg*.c), as jobstore.h's. */
int pv_pg_join(pv_jobstore *js, const pv_cluster_node *node);
int pv_pg_node_beat(pv_jobstore *js, int64_t now_ms, int max_attempts, pv_job_visit_fn visit,
                    void *arg);
int pv_pg_listen(pv_jobstore *js);
int pv_pg_wake_fd(pv_jobstore *js);
int pv_pg_drain_wakeups(pv_jobstore *js);
int pv_pg_claim_next(pv_jobstore *js, int64_t now_ms, pv_job *out);
int pv_pg_set_worker(pv_jobstore *js, const char *id, int64_t pid);
int pv_pg_progress(pv_jobstore *js, const char *id, double progress, int64_t now_ms);
int pv_pg_complete(pv_jobstore *js, const pv_job *done, int64_t now_ms);
int pv_pg_finish(pv_jobstore *js, const char *id, pv_job_status status, const char *message,
                 int64_t now_ms);
int pv_pg_requeue(pv_jobstore *js, const char *id, int max_attempts, const char *give_up,
                  int64_t now_ms);
int pv_pg_each_running(pv_jobstore *js, pv_job_visit_fn visit, void *arg);
int pv_pg_expire(pv_jobstore *js, int64_t cutoff_ms, int64_t now_ms, pv_job_visit_fn visit,
                 void *arg);
int pv_pg_each_result_file(pv_jobstore *js, pv_job_visit_fn visit, void *arg);
int pv_pg_fail_completed(pv_jobstore *js, const char *id, const char *message);
int pv_pg_figures(pv_jobstore *js, int64_t now_ms, int max_users, pv_store_figures *out);
int pv_pg_quota_limits(pv_jobstore *js, const char *user, const pv_quota_limits *defaults,
                       pv_quota_limits *out);
int pv_pg_quota_usage(pv_jobstore *js, const char *user, const pv_quota_limits *lim, int64_t now_ms,
                      pv_quota_usage *out);
int pv_pg_quota_set(pv_jobstore *js, const char *user, const int touch[PV_QUOTA_NLIMITS],
                    const int64_t value[PV_QUOTA_NLIMITS], char *err, size_t errlen);

#endif
