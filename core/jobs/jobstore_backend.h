/*
 * The job store's backends: every operation of jobstore.h and quota_store.h
 * as a table of functions, one table per engine. SQLite (jobstore_sqlite*.c)
 * is the embedded default; PostgreSQL (jobstore_pg*.c) lets several nodes
 * share one store. pv_jobstore_open picks the table from the job_store
 * setting; jobstore_backend.c forwards each call to it.
 * Not for other modules; they use jobstore.h.
 */
#ifndef PV_JOBSTORE_BACKEND_H
#define PV_JOBSTORE_BACKEND_H

#include "jobstore.h"
#include "quota.h"

/** The operations a backend implements; each has the contract of its namesake in jobstore.h. */
typedef struct pv_jobstore_ops {
    const char *name; /**< "sqlite" or "postgresql", for messages */
    void (*close)(pv_jobstore *js);
    int (*insert)(pv_jobstore *js, const pv_job *job);
    int (*get)(pv_jobstore *js, const char *id, const char *owner, pv_job *out);
    int (*list)(pv_jobstore *js, const char *owner, unsigned status_mask, int64_t limit,
                int64_t offset, int64_t *total, pv_job_visit_fn visit, void *arg);
    int (*cancel)(pv_jobstore *js, const char *id, const char *owner, pv_cancel_outcome *outcome,
                  char **file_name);
    int (*count_running)(pv_jobstore *js, int64_t *count);
    int (*claim_next)(pv_jobstore *js, int64_t now_ms, pv_job *out);
    int (*set_worker)(pv_jobstore *js, const char *id, int64_t pid);
    int (*progress)(pv_jobstore *js, const char *id, double progress, int64_t now_ms);
    int (*complete)(pv_jobstore *js, const pv_job *done, int64_t now_ms);
    int (*finish)(pv_jobstore *js, const char *id, pv_job_status status, const char *message,
                  int64_t now_ms);
    int (*requeue)(pv_jobstore *js, const char *id, int max_attempts, const char *give_up,
                   int64_t now_ms);
    int (*each_running)(pv_jobstore *js, pv_job_visit_fn visit, void *arg);
    int (*expire)(pv_jobstore *js, int64_t cutoff_ms, int64_t now_ms, pv_job_visit_fn visit,
                  void *arg);
    int (*queue_position)(pv_jobstore *js, const pv_job *job, int64_t *position);
    int (*find_idempotent)(pv_jobstore *js, const char *owner, const char *key, pv_job *out);
    pv_result_claim (*result_claim)(pv_jobstore *js, const char *name, const char *job_id);
    int (*begin)(pv_jobstore *js);
    int (*commit)(pv_jobstore *js);
    void (*rollback)(pv_jobstore *js);
    void (*failure)(pv_jobstore *js, pv_store_failure *out);
    const char *(*errmsg)(pv_jobstore *js);
    /* A cluster of nodes on one store (jobstore.h); NULL for SQLite: no-ops. */
    int (*join)(pv_jobstore *js, const pv_cluster_node *node);
    int (*node_beat)(pv_jobstore *js, int64_t now_ms, int max_attempts, pv_job_visit_fn visit,
                     void *arg);
    int (*listen)(pv_jobstore *js);
    int (*wake_fd)(pv_jobstore *js);
    int (*drain_wakeups)(pv_jobstore *js);
    /* What `pivotd check` and the metrics read. */
    int (*each_result_file)(pv_jobstore *js, pv_job_visit_fn visit, void *arg);
    int (*fail_completed)(pv_jobstore *js, const char *id, const char *message);
    int (*figures)(pv_jobstore *js, int64_t now_ms, int max_users, pv_store_figures *out);
    /* The quota tables (quota_store.h). */
    int (*quota_limits)(pv_jobstore *js, const char *user, const pv_quota_limits *defaults,
                        pv_quota_limits *out);
    int (*quota_usage)(pv_jobstore *js, const char *user, const pv_quota_limits *lim,
                       int64_t now_ms, pv_quota_usage *out);
    int (*quota_set)(pv_jobstore *js, const char *user, const int touch[PV_QUOTA_NLIMITS],
                     const int64_t value[PV_QUOTA_NLIMITS], char *err, size_t errlen);
} pv_jobstore_ops;

/** The base of every backend's connection, its first member ("subclassing" by embedding). */
struct pv_jobstore {
    const pv_jobstore_ops *ops;
};

/** Opens the SQLite store at path (jobstore_sqlite.c). */
int pv_jobstore_sqlite_open(const char *path, pv_jobstore **out, char *err, size_t errlen);

/** Connects to the PostgreSQL store at uri, migrating it when needed (jobstore_pg.c). */
int pv_jobstore_pg_open(const char *uri, pv_jobstore **out, char *err, size_t errlen);

#endif
