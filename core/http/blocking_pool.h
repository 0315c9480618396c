/*
 * The blocking-work threads: where every request that reads the disk or
 * may wait on a lock is worked on, so that the event loops never do.
 *
 * An event loop thread hands a request to a lane; one of the lane's threads
 * runs the work with its own job-store connection and data-source instance
 * and builds the response in the request (status, headers, body copied into
 * the request's pool), then hands the request back through the loop's
 * h2o multithread queue. Only the loop thread sends: it resumes the request
 * from the queue's callback (http_reply.c's pv_reply_flush).
 *
 * Two lanes, so that what may be slow never queues ahead of what is not:
 * - quick: job-store reads (status polls, listings, quota, downloads'
 *   checks) and the credential checks; a WAL reader never waits on a writer.
 * - slow: data-source look-ups (describe, list_channels, span) and job-store
 *   writes (an fsync each; a locked store waits up to 5 s).
 *
 * The request belongs to the lane's thread from pv_blocking_post until the
 * loop receives it back; h2o 2.2's HTTP/1 does not read, time out or free a
 * request while its handler has not answered (HTTP/2 is off), so nothing
 * else touches it meanwhile.
 */
#ifndef PV_BLOCKING_POOL_H
#define PV_BLOCKING_POOL_H

#include "jobstore.h"
#include "server.h"

#include <h2o.h>
#include <h2o/multithread.h>

/** Which threads take a piece of work. */
typedef enum pv_lane {
    PV_LANE_QUICK = 0, /**< job-store reads and credential checks */
    PV_LANE_SLOW,      /**< data-source look-ups and job-store writes */
    PV_LANE_COUNT
} pv_lane;

/** What work runs with: the server and the thread's own connections. */
typedef struct pv_api_env {
    pv_server *server;
    pv_jobstore *jobs; /**< this thread's connection to the job store */
    void *source_ctx;  /**< this thread's instance of the data source */
} pv_api_env;

/** How the loop sends what a blocking thread answered (http_reply.c fills it). */
typedef enum pv_reply_kind {
    PV_REPLY_NONE = 0, /**< nothing answered yet */
    PV_REPLY_INLINE,   /**< body below, headers and status in req->res */
    PV_REPLY_REDIRECT, /**< an internal redirect to target */
} pv_reply_kind;

typedef struct pv_reply_plan {
    pv_reply_kind kind;
    h2o_iovec_t body;   /**< PV_REPLY_INLINE: in the request's pool */
    h2o_iovec_t target; /**< PV_REPLY_REDIRECT: in the request's pool */
} pv_reply_plan;

typedef struct pv_blocking_task pv_blocking_task;

/** Runs on a lane's thread; answers task->req (pv_reply_*) or sets task->resume. */
typedef void (*pv_blocking_work_fn)(pv_blocking_task *task, pv_api_env *env);
/** Runs on the request's loop thread when the work is done. */
typedef void (*pv_blocking_resume_fn)(pv_blocking_task *task);

/**
 * One piece of work. Lives in the request's pool (pv_blocking_task_new) or
 * inside a longer-lived object of the request; at most one in flight.
 */
struct pv_blocking_task {
    h2o_multithread_message_t message; /**< back to the loop */
    pv_blocking_task *next;            /**< in the lane's queue */
    h2o_multithread_receiver_t *loop;  /**< the request's loop thread */
    h2o_req_t *req;
    pv_blocking_work_fn work;
    /** Set by the work to take over on the loop; when NULL the plan is sent. */
    pv_blocking_resume_fn resume;
    void *arg; /**< the caller's */
    pv_reply_plan plan;
};

typedef struct pv_blocking_pool pv_blocking_pool;

/**
 * Starts the lanes' threads (slow_threads for the slow lane, quick_threads
 * for the quick one), each with its own job-store connection and source
 * instance.
 */
int pv_blocking_start(pv_server *srv, int quick_threads, int slow_threads, pv_blocking_pool **out,
                      char *err, size_t errlen);

/**
 * Stops the threads after the work they are doing; queued work is dropped
 * (the loops have stopped: nobody would send its answer).
 */
void pv_blocking_stop(pv_blocking_pool *pool);

/** A task for req in the request's pool, to be returned to loop. */
pv_blocking_task *pv_blocking_task_new(h2o_req_t *req, h2o_multithread_receiver_t *loop,
                                       pv_blocking_work_fn work, void *arg);

/** Queues task on lane. Call on the loop thread; the request is the lane's until it comes back. */
void pv_blocking_post(pv_blocking_pool *pool, pv_lane lane, pv_blocking_task *task);

/**
 * The loop side of the queue: the receiver callback of each loop thread.
 * Resumes or answers each returned request.
 */
void pv_blocking_on_returned(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages);

#endif
