/*
 * The scheduler: a thread of the server that starts one worker process per
 * running job (at most jobs.max_concurrent), reaps them, enforces the job
 * timeout and cancellation from outside, recovers jobs a previous server
 * left behind, and deletes jobs past their retention.
 */
#ifndef PV_SCHEDULER_H
#define PV_SCHEDULER_H

#include "server.h"

typedef struct pv_scheduler pv_scheduler;

/**
 * Recovers jobs left processing by a previous run, then starts the thread.
 * worker_args are the flags every worker gets after "worker --job ID"
 * (NULL-terminated; borrowed until pv_scheduler_stop).
 */
int pv_scheduler_start(pv_server *srv, const char *const *worker_args, int wake_read_fd,
                       pv_scheduler **out, char *err, size_t errlen);

/**
 * Stops the thread; running workers are asked to stop (SIGTERM), given a
 * grace period, then killed, and their jobs are put back in the queue for
 * the next start.
 */
void pv_scheduler_stop(pv_scheduler *s);

#endif
