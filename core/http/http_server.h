/*
 * The HTTP front: h2o event loops, one per thread, each with its own
 * SO_REUSEPORT listener. The loops never touch the disk or wait on a lock:
 * requests that need the job store, the data source or the credentials go
 * to the blocking-work threads (blocking_pool.h) and come back through the
 * loop's multithread queue.
 */
#ifndef PV_HTTP_SERVER_H
#define PV_HTTP_SERVER_H

#include "blocking_pool.h"
#include "job_watch.h"
#include "server.h"

#include <h2o.h>
#include <h2o/multithread.h>
#include <pthread.h>
#include <stdatomic.h>

/** The granularity of the end of a long poll's wait (GET /jobs/{id}?wait=). */
#define PV_POLL_TICK_MS 50

/** Per-thread state. The h2o context comes first so handlers can cast req->conn->ctx. */
typedef struct pv_http_thread {
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    pv_server *server;
    pv_blocking_pool *pool;                  /**< shared by every loop */
    h2o_multithread_queue_t *queue;          /**< into this loop, from other threads */
    h2o_multithread_receiver_t returned;     /**< requests back from the blocking-work threads */
    h2o_multithread_receiver_t probe;        /**< liveness probes (pv_http_probe_send) */
    h2o_multithread_message_t probe_message; /**< the one probe in flight */
    atomic_uint probes_answered;             /**< probes this loop has taken */
    unsigned probes_sent;                    /**< by the probing thread only */
    pv_job_watches watches;  /**< GET /export and ?wait= requests waiting for their job */
    h2o_timeout_t sync_wait; /**< api.limits.max_sync_wait, for GET /export */
    h2o_timeout_t poll_tick; /**< PV_POLL_TICK_MS: the last second of a ?wait= */
    int watches_ready;
    atomic_int awake; /**< the loop runs: pv_http_stop may wake it through the queue */
    int listen_fd;
    h2o_socket_t *listener;
    pthread_t thread;
    int started;
} pv_http_thread;

/** The thread state of the request's connection. */
static inline pv_http_thread *pv_http_thread_of(h2o_req_t *req)
{
    return (pv_http_thread *)req->conn->ctx;
}

typedef struct pv_http pv_http;

/**
 * Binds the listeners (host:port; port 0 picks a free one) and starts the
 * threads. *bound_port receives the port actually bound.
 */
int pv_http_start(pv_server *srv, pv_http **out, int *bound_port, char *err, size_t errlen);

/**
 * Sends a liveness probe into every loop that has answered its last one.
 * Call from one thread only (the main thread: readiness and the watchdog).
 */
void pv_http_probe_send(pv_http *http);

/**
 * 1 when every loop runs and has answered every probe sent, so none is
 * stuck; 0 otherwise (the index of the first laggard in *laggard).
 */
int pv_http_probe_answered(pv_http *http, int *laggard);

/** Stops the threads (srv->stopping must be set) and frees everything. */
void pv_http_stop(pv_http *http);

/**
 * First handler of every path (http_framing.c): answers a request whose
 * body framing is ambiguous with 400 and closes its connection; returns -1
 * (on to the next handler) for every other request.
 */
int pv_http_framing_check(h2o_handler_t *self, h2o_req_t *req);

/**
 * The origin form of a request target (http_framing.c): the path and query
 * of an absolute-form target (RFC 9112 section 3.2.2), otherwise the target
 * itself. Points into target.
 */
h2o_iovec_t pv_http_origin_form(h2o_iovec_t target);

#endif
