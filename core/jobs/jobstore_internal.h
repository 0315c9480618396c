/*
 * Shared by the files of the job store: the connection with its statement
 * cache, and the helpers that read and write job rows. jobstore.c holds the
 * connection and the API's queries, jobstore_lifecycle.c the transitions
 * the scheduler and workers make (claim, progress, complete, expire).
 * Not for other modules; they use jobstore.h.
 */
#ifndef PV_JOBSTORE_INTERNAL_H
#define PV_JOBSTORE_INTERNAL_H

#include "jobstore_backend.h"

#include <sqlite3.h>

#define STMT_CACHE_SIZE 48

/* Statements are prepared once per connection and reused: preparing costs
 * more than running the primary-key lookups that status polls make. */
typedef struct cached_stmt {
    const char *sql; /* the literal at the call site: compared by address */
    sqlite3_stmt *st;
} cached_stmt;

/* How long a write waits for another connection's lock before failing busy. */
#define LOCK_WAIT_MS 5000

/* A SQLite connection: the backend's pv_jobstore, embedded first. */
typedef struct pv_sqlite_store {
    pv_jobstore base;
    sqlite3 *db;
    cached_stmt cache[STMT_CACHE_SIZE];
    int ncached;
    int64_t lock_wait_start_ms; /* when the current wait for a lock began */
} pv_sqlite_store;

/* The SQLite connection behind js, which a SQLite backend function is only ever given. */
#define SQ(js) ((pv_sqlite_store *)(js))

/* The columns pv_js_read_job reads, in its order. */
#define JOB_COLUMNS                                                                                \
    "id, owner, status, request, spec, format, range_start_ns, range_end_ns, progress, "           \
    "created_ms, started_ms, finished_ms, heartbeat_ms, worker_pid, attempts, "                    \
    "cancel_requested, file_name, file_size, channels_exported, samples, actual_start_ns, "        \
    "actual_end_ns, error, expired_ms, idempotency_key, priority, result_detail"

/* The SQLite backend's operations (jobstore_sqlite*.c, quota_store.c), as jobstore.h's. */
extern const pv_jobstore_ops pv_sqlite_ops;
void pv_sqlite_close(pv_jobstore *js);
int pv_sqlite_insert(pv_jobstore *js, const pv_job *job);
int pv_sqlite_list(pv_jobstore *js, const char *owner, unsigned status_mask, int64_t limit,
                   int64_t offset, int64_t *total, pv_job_visit_fn visit, void *arg);
int pv_sqlite_cancel(pv_jobstore *js, const char *id, const char *owner, pv_cancel_outcome *outcome,
                     char **file_name);
int pv_sqlite_count_running(pv_jobstore *js, int64_t *count);
int pv_sqlite_queue_position(pv_jobstore *js, const pv_job *job, int64_t *position);
int pv_sqlite_find_idempotent(pv_jobstore *js, const char *owner, const char *key, pv_job *out);
pv_result_claim pv_sqlite_result_claim(pv_jobstore *js, const char *name, const char *job_id);
int pv_sqlite_begin(pv_jobstore *js);
int pv_sqlite_commit(pv_jobstore *js);
void pv_sqlite_rollback(pv_jobstore *js);
void pv_sqlite_failure(pv_jobstore *js, pv_store_failure *out);
const char *pv_sqlite_errmsg(pv_jobstore *js);
int pv_sqlite_get(pv_jobstore *js, const char *id, const char *owner, pv_job *out);
int pv_sqlite_claim_next(pv_jobstore *js, int64_t now_ms, pv_job *out);
int pv_sqlite_set_worker(pv_jobstore *js, const char *id, int64_t pid);
int pv_sqlite_progress(pv_jobstore *js, const char *id, double progress, int64_t now_ms);
int pv_sqlite_complete(pv_jobstore *js, const pv_job *done, int64_t now_ms);
int pv_sqlite_finish(pv_jobstore *js, const char *id, pv_job_status status, const char *message,
                     int64_t now_ms);
int pv_sqlite_requeue(pv_jobstore *js, const char *id, int max_attempts, const char *give_up,
                      int64_t now_ms);
int pv_sqlite_each_running(pv_jobstore *js, pv_job_visit_fn visit, void *arg);
int pv_sqlite_expire(pv_jobstore *js, int64_t cutoff_ms, int64_t now_ms, pv_job_visit_fn visit,
                     void *arg);
int pv_sqlite_each_result_file(pv_jobstore *js, pv_job_visit_fn visit, void *arg);
int pv_sqlite_fail_completed(pv_jobstore *js, const char *id, const char *message);
int pv_sqlite_figures(pv_jobstore *js, int64_t now_ms, int max_users, pv_store_figures *out);
int pv_sqlite_quota_limits(pv_jobstore *js, const char *user, const pv_quota_limits *defaults,
                           pv_quota_limits *out);
int pv_sqlite_quota_usage(pv_jobstore *js, const char *user, const pv_quota_limits *lim,
                          int64_t now_ms, pv_quota_usage *out);
int pv_sqlite_quota_set(pv_jobstore *js, const char *user, const int touch[PV_QUOTA_NLIMITS],
                        const int64_t value[PV_QUOTA_NLIMITS], char *err, size_t errlen);

/** Returns SQLITE_OK with a ready statement for sql (a string literal: cached by address). */
int pv_js_prepare(pv_jobstore *js, const char *sql, sqlite3_stmt **st);

/** Hands a statement back to the cache (reset, bindings cleared). */
void pv_js_release(sqlite3_stmt *st);

/** A malloc'd copy of a text column, or NULL when it is NULL. */
char *pv_js_column_dup(sqlite3_stmt *st, int col);

/** Fills job from the current row of a statement selecting the job columns. */
void pv_js_read_job(sqlite3_stmt *st, pv_job *job);

/** Steps a statement selecting at most one job into out (if non-NULL); 0, PIVOT_ENOENT or
 * PIVOT_EIO. */
int pv_js_step_one_job(sqlite3_stmt *st, pv_job *out);

/** Binds text, or NULL when text is NULL. */
void pv_js_bind_text_or_null(sqlite3_stmt *st, int i, const char *text);

/** Runs a statement that returns no rows and releases it; 0 or PIVOT_EIO. */
int pv_js_step_done(sqlite3_stmt *st);

/** Calls visit for every job row of a statement, then releases it; as pv_job_visit_fn's contract.
 */
int pv_js_visit_rows(sqlite3_stmt *st, pv_job_visit_fn visit, void *arg);

#endif
