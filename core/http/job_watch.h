/*
 * Requests of one event loop that wait for jobs to end (GET /export) or to
 * change (GET /jobs/{id}?wait=), and the mailbox through which any thread
 * tells the loop that a job ended or changed: the scheduler when a worker
 * exits, when it starts a job and when a worker reports progress, a
 * blocking-work thread when it cancels a queued job. Watches are the loop's
 * alone; only the mailbox is shared.
 */
#ifndef PV_JOB_WATCH_H
#define PV_JOB_WATCH_H

#include "job.h"

#include <h2o.h>
#include <h2o/multithread.h>
#include <pthread.h>
#include <stdatomic.h>

typedef struct pv_job_watch pv_job_watch;

/** What a thread tells the loops about a job. */
typedef enum pv_job_event {
    PV_JOB_ENDED = 1,  /**< it reached a final status (or was deleted) */
    PV_JOB_CHANGED = 2 /**< it started, or its worker stored new progress */
} pv_job_event;

/**
 * Called on the loop thread when the watched job may have ended (or, for a
 * watch of changes, changed). A watch of ends is stopped first; a watch of
 * changes stays on until its owner stops it, so that no change told while
 * the owner reads the job is lost.
 */
typedef void (*pv_job_watch_fn)(pv_job_watch *w);

struct pv_job_watch {
    h2o_linklist_t link;
    char job_id[PV_JOB_ID_SIZE];
    pv_job_watch_fn ended;
    int changes; /**< also woken by PV_JOB_CHANGED, not only by the end */
};

/** One job id in the mailbox, with what happened to it. */
typedef struct pv_job_mail {
    char job_id[PV_JOB_ID_SIZE];
    pv_job_event event;
} pv_job_mail;

/** A loop thread's watches and its mailbox. */
typedef struct pv_job_watches {
    h2o_linklist_t watching; /**< of pv_job_watch; loop thread only */
    atomic_int count;        /**< watches linked: a loop with none is not told */
    pthread_mutex_t lock;    /**< guards the mailbox below */
    pv_job_mail *mail;
    size_t nmail, capacity;
    int posted; /**< message is on its way to the loop */
    h2o_multithread_message_t message;
    h2o_multithread_receiver_t receiver;
} pv_job_watches;

/** Sets up ws, before any thread may post to it. */
void pv_job_watches_init(pv_job_watches *ws);

/** Loop thread, before it runs: registers the mailbox with the loop's queue. */
void pv_job_watches_attach(pv_job_watches *ws, h2o_multithread_queue_t *queue);

/** Frees the mailbox once the loop and every thread that posts have stopped. */
void pv_job_watches_free(pv_job_watches *ws);

/** Loop thread: calls w->ended when job w->job_id is said to have ended (or changed). */
void pv_job_watch_start(pv_job_watches *ws, pv_job_watch *w);

/** Loop thread: stops w (nothing when it is not watching). */
void pv_job_watch_stop(pv_job_watches *ws, pv_job_watch *w);

/** Any thread: tells the loop what happened to job_id, if it watches any job. Never blocks long. */
void pv_job_watches_post(pv_job_watches *ws, const char *job_id, pv_job_event event);

#endif
