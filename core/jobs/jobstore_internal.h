/*
 * Shared by the files of the job store: the connection with its statement
 * cache, and the helpers that read and write job rows. jobstore.c holds the
 * connection and the API's queries, jobstore_lifecycle.c the transitions
 * the scheduler and workers make (claim, progress, complete, expire).
 * Not for other modules; they use jobstore.h.
 */
#ifndef PV_JOBSTORE_INTERNAL_H
#define PV_JOBSTORE_INTERNAL_H

#include "jobstore.h"

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

struct pv_jobstore {
    sqlite3 *db;
    cached_stmt cache[STMT_CACHE_SIZE];
    int ncached;
    int64_t lock_wait_start_ms; /* when the current wait for a lock began */
};

/* The columns pv_js_read_job reads, in its order. */
#define JOB_COLUMNS                                                                                \
    "id, owner, status, request, spec, format, range_start_ns, range_end_ns, progress, "           \
    "created_ms, started_ms, finished_ms, heartbeat_ms, worker_pid, attempts, "                    \
    "cancel_requested, file_name, file_size, channels_exported, samples, actual_start_ns, "        \
    "actual_end_ns, error, expired_ms, idempotency_key, priority, result_detail"

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
