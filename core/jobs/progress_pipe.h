/*
 * How workers tell the server that a job's progress changed: one pipe the
 * scheduler owns, whose write end every worker inherits. A worker writes its
 * job id and a newline after each progress it stores (one write of less
 * than PIPE_BUF bytes: never interleaved with another worker's); the
 * scheduler, which already polls for workers' exits, reads the ids and says
 * each job changed (pv_server_job_changed), so that the HTTP loops wake the
 * requests waiting on GET /jobs/{id}?wait= without polling the job store.
 */
#ifndef PV_PROGRESS_PIPE_H
#define PV_PROGRESS_PIPE_H

#include "server.h"

#include <stddef.h>

/** The descriptor a worker finds the pipe's write end at (pivotd worker --notify-fd). */
#define PV_PROGRESS_FD 3

typedef struct pv_progress_pipe {
    int read_fd;  /**< the scheduler's, non-blocking */
    int write_fd; /**< given to each worker, non-blocking: a full pipe drops a note */
    char carry[64];
    size_t ncarry; /**< bytes of an id whose newline is still to come */
} pv_progress_pipe;

/** Opens the pipe (close-on-exec on both ends). Returns 0 or a PIVOT_E* code. */
int pv_progress_pipe_open(pv_progress_pipe *p);

/** Closes both ends. */
void pv_progress_pipe_close(pv_progress_pipe *p);

/** Reads every id waiting in the pipe and tells srv that each job changed. */
void pv_progress_pipe_drain(pv_progress_pipe *p, pv_server *srv);

/**
 * Worker side: notes on fd (no-op when fd < 0) that job_id has new
 * progress. Never blocks: a full pipe means the scheduler is behind, and
 * the next note or the job's end wakes the waiters anyway.
 */
void pv_progress_notify(int fd, const char *job_id);

#endif
