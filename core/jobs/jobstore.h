/*
 * The job store: the one place job state lives, in SQLite (WAL mode, the
 * embedded default) or in PostgreSQL shared by several nodes
 * (jobstore_backend.h). Server threads, the scheduler and workers each open
 * their own connection.
 */
#ifndef PV_JOBSTORE_H
#define PV_JOBSTORE_H

#include "job.h"

#include <stddef.h>

typedef struct pv_jobstore pv_jobstore;

/** True when a job_store setting names a PostgreSQL server (a libpq URI). */
int pv_jobstore_is_postgres(const char *location);

/**
 * Opens (creating and migrating when needed) the store at location: a
 * libpq URI (postgresql://...) connects to PostgreSQL, anything else is the
 * path of a SQLite file.
 */
int pv_jobstore_open(const char *path, pv_jobstore **out, char *err, size_t errlen);

/** Closes a connection; NULL is accepted. */
void pv_jobstore_close(pv_jobstore *js);

/**
 * Inserts a new job (status queued); durable when it returns 0 (outside a
 * transaction). PIVOT_EEXIST when the owner's idempotency key is taken.
 */
int pv_jobstore_insert(pv_jobstore *js, const pv_job *job);

/** Reads a job; owner NULL matches any owner. PIVOT_ENOENT when absent or not the owner's. */
int pv_jobstore_get(pv_jobstore *js, const char *id, const char *owner, pv_job *out);

/** Called by pv_jobstore_list for each job; non-zero stops the listing. */
typedef int (*pv_job_visit_fn)(void *arg, const pv_job *job);

/** A status mask that selects every status. */
#define PV_JOB_ANY_STATUS ((1u << PV_JOB_STATUS_COUNT) - 1)

/**
 * Lists jobs newest first, filtered by owner (NULL: all) and by a mask of
 * API statuses (bit 1 << pv_job_status), skipping `offset` and visiting at
 * most `limit`; *total receives the number matching the filters.
 */
int pv_jobstore_list(pv_jobstore *js, const char *owner, unsigned status_mask, int64_t limit,
                     int64_t offset, int64_t *total, pv_job_visit_fn visit, void *arg);

/** What pv_jobstore_cancel did. */
typedef enum pv_cancel_outcome {
    PV_CANCEL_DONE = 0,      /**< a queued job is now cancelled */
    PV_CANCEL_REQUESTED = 1, /**< a processing job was asked to stop */
    PV_CANCEL_DELETED = 2,   /**< a finished job and its file were removed */
} pv_cancel_outcome;

/**
 * Cancels or deletes job id of owner (NULL: any). For a finished job the row
 * is deleted and its file's name in the results directory returned in
 * *file_name (caller frees; may be NULL) for the caller to unlink.
 */
int pv_jobstore_cancel(pv_jobstore *js, const char *id, const char *owner,
                       pv_cancel_outcome *outcome, char **file_name);

/** Number of jobs in status processing. */
int pv_jobstore_count_running(pv_jobstore *js, int64_t *count);

/**
 * Claims the next queued job: oldest first, but the owner with the fewest
 * running jobs first so one user's queue does not starve another's. Marks it
 * processing, stamps started_ms and counts the attempt. PIVOT_ENOENT when
 * nothing is queued.
 */
int pv_jobstore_claim_next(pv_jobstore *js, int64_t now_ms, pv_job *out);

/** Records the worker process of a processing job. */
int pv_jobstore_set_worker(pv_jobstore *js, const char *id, int64_t pid);

/** Worker heartbeat: progress 0..100. Returns 1 when a cancel was requested. */
int pv_jobstore_progress(pv_jobstore *js, const char *id, double progress, int64_t now_ms);

/** Marks a processing job completed with its result (fields of done). */
int pv_jobstore_complete(pv_jobstore *js, const pv_job *done, int64_t now_ms);

/** Marks a job that is not finished as failed (or cancelled) with a message. */
int pv_jobstore_finish(pv_jobstore *js, const char *id, pv_job_status status, const char *message,
                       int64_t now_ms);

/** The message of a job that was interrupted too often; %d is its attempts. */
#define PV_JOB_INTERRUPTED_TOO_OFTEN                                                               \
    "the job was interrupted %d times (jobs.max_attempts) before it could finish; giving up"

/**
 * Puts a processing job whose worker stopped (a shutdown, SIGTERM, a lost
 * worker) back in the queue, unless it has been started max_attempts times
 * already: then it is failed at now_ms with give_up, a format whose one %d
 * receives the attempts. Every re-queue thus counts as an attempt (each
 * claim counts one), and no job is re-queued without end. Returns 0 when
 * requeued, 1 when failed, PIVOT_ENOENT when the job is not processing,
 * PIVOT_EIO on an error.
 */
int pv_jobstore_requeue(pv_jobstore *js, const char *id, int max_attempts, const char *give_up,
                        int64_t now_ms);

/** Visits every processing job (for the scheduler). */
int pv_jobstore_each_running(pv_jobstore *js, pv_job_visit_fn visit, void *arg);

/**
 * Retention: jobs finished before cutoff_ms are marked expired at now_ms
 * (visit sees each first, to remove its file); expired jobs whose mark is
 * older than cutoff_ms are deleted.
 */
int pv_jobstore_expire(pv_jobstore *js, int64_t cutoff_ms, int64_t now_ms, pv_job_visit_fn visit,
                       void *arg);

/** 1-based position of a queued job among the queued jobs submitted before it. */
int pv_jobstore_queue_position(pv_jobstore *js, const pv_job *job, int64_t *position);

/** The owner's job submitted with Idempotency-Key key; PIVOT_ENOENT when none. */
int pv_jobstore_find_idempotent(pv_jobstore *js, const char *owner, const char *key, pv_job *out);

/** What the store says of a file in the results directory. */
typedef enum pv_result_claim {
    PV_RESULT_IN_USE = 0,  /**< a job refers to it, or its job is queued or processing */
    PV_RESULT_ORPHAN,      /**< no job refers to it: left by a crash, it may go */
    PV_RESULT_UNACCOUNTED, /**< the store holds no job at all, so it cannot tell */
} pv_result_claim;

/**
 * Looks up the result file name (in the results directory) of job job_id.
 * A store without any job cannot vouch for a file (it may be new, or not
 * the one the results were written with), so nothing is an orphan then.
 * Errors answer PV_RESULT_IN_USE: on doubt, the file is kept.
 */
pv_result_claim pv_jobstore_result_claim(pv_jobstore *js, const char *name, const char *job_id);

/**
 * Calls visit for every completed, unexpired job that names a result file:
 * the files the store vouches for (for `pivotd check`).
 */
int pv_jobstore_each_result_file(pv_jobstore *js, pv_job_visit_fn visit, void *arg);

/**
 * Marks completed job id failed with message (its result file is lost), so
 * that it is not offered for download. PIVOT_ENOENT when it is not, or no
 * longer, completed.
 */
int pv_jobstore_fail_completed(pv_jobstore *js, const char *id, const char *message);

/** One user's quota usage over the last day, for the metrics. */
typedef struct pv_user_figures {
    char *user;    /**< owned by pv_store_figures */
    int64_t jobs;  /**< jobs submitted */
    int64_t bytes; /**< bytes of results completed */
} pv_user_figures;

/** What a metrics scrape reads from the store, all of one moment. */
typedef struct pv_store_figures {
    int64_t jobs[PV_JOB_STATUS_COUNT]; /**< jobs by status */
    int64_t oldest_queued_ms;          /**< created_ms of the oldest queued job; 0: none */
    pv_user_figures *users;            /**< the users with the most jobs, most first */
    size_t nusers;
    int64_t users_active; /**< users with usage in the last day, shown or not */
} pv_store_figures;

/**
 * The store's figures at now_ms: jobs by status, the oldest queued job, and
 * the last day's usage of at most max_users users (those with the most
 * jobs). Returns 0 or PIVOT_EIO; pv_store_figures_clear frees out either way.
 */
int pv_jobstore_figures(pv_jobstore *js, int64_t now_ms, int max_users, pv_store_figures *out);

/** Frees what pv_jobstore_figures allocated. */
void pv_store_figures_clear(pv_store_figures *f);

/**
 * Starts a write transaction (BEGIN IMMEDIATE): the connection holds the
 * store's write lock until pv_jobstore_commit or pv_jobstore_rollback, so
 * what it reads stays true until it writes. Returns 0 or PIVOT_EIO.
 */
int pv_jobstore_begin(pv_jobstore *js);

/**
 * Commits the transaction. Returns 0 or PIVOT_EIO; on failure the caller
 * takes pv_jobstore_failure, then calls pv_jobstore_rollback.
 */
int pv_jobstore_commit(pv_jobstore *js);

/** Rolls the transaction back (nothing when none is open). */
void pv_jobstore_rollback(pv_jobstore *js);

/**
 * The last failure on a connection, taken before anything else runs on it
 * (a later statement, or the rollback, replaces SQLite's error).
 */
typedef struct pv_store_failure {
    int code;          /**< SQLite's primary result code */
    int sys_errno;     /**< the system error behind it, or 0 */
    char message[256]; /**< SQLite's message */
} pv_store_failure;

/** Captures the last failure of js into out. */
void pv_jobstore_failure(pv_jobstore *js, pv_store_failure *out);

/**
 * True when the failure was the store staying locked by another connection
 * for longer than the wait (about 5 s): nothing changed, it may be retried.
 */
int pv_jobstore_failure_busy(const pv_store_failure *f);

/** True when the failure was the store's disk (or the user's disk quota) being full. */
int pv_jobstore_failure_full(const pv_store_failure *f);

/** Message of the last SQLite error on this connection. */
const char *pv_jobstore_errmsg(pv_jobstore *js);

/** A node's part in a cluster of nodes sharing one store (PostgreSQL). */
typedef struct pv_cluster_node {
    const char *name;             /**< this node, stable across its restarts (node_name) */
    int max_concurrent;           /**< jobs processing at once in the whole cluster */
    int node_max_concurrent;      /**< ... on this node; 0: no limit of its own */
    int64_t heartbeat_timeout_ms; /**< silence after which a node counts as dead */
    int attempt; /**< a worker's connection: the only attempt of its job it may write; 0: any */
} pv_cluster_node;

/**
 * Makes the connection act for node (copied): claims are counted against
 * the cluster's and the node's limits and marked as the node's, the running
 * jobs visited are the node's own, and the writes of workers and scheduler
 * touch only jobs the node still owns (a worker's, only its own attempt). A no-op for a store only
 * one server uses (SQLite). Returns 0 or PIVOT_ENOMEM.
 */
int pv_jobstore_join(pv_jobstore *js, const pv_cluster_node *node);

/** True when several nodes may share the store (and its results folder). */
int pv_jobstore_is_shared(pv_jobstore *js);

/**
 * The node's heartbeat, at now_ms. Also, on one node of the cluster at a
 * time, takes back the jobs of nodes silent for longer than the heartbeat
 * timeout: each is queued again, or failed when it was started max_attempts
 * times (or cancelled when a cancel was asked), visit seeing it first.
 * Returns 0, or PIVOT_EIO when the store cannot be reached.
 */
int pv_jobstore_node_beat(pv_jobstore *js, int64_t now_ms, int max_attempts, pv_job_visit_fn visit,
                          void *arg);

/**
 * Subscribes the connection to the cluster's wake-ups (a job queued or
 * cancelled on any node). Returns 0, or PIVOT_EIO; a no-op for SQLite.
 */
int pv_jobstore_listen(pv_jobstore *js);

/** A descriptor readable when a wake-up may have arrived, or -1 (none, or the server is away). */
int pv_jobstore_wake_fd(pv_jobstore *js);

/** Reads the wake-ups that arrived; returns how many. */
int pv_jobstore_drain_wakeups(pv_jobstore *js);

#endif
