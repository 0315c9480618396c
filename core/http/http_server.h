/*
 * The HTTP front: h2o event loops, one per thread, each with its own
 * SO_REUSEPORT listener, job store connection and data source instance.
 */
#ifndef PV_HTTP_SERVER_H
#define PV_HTTP_SERVER_H

#include "jobstore.h"
#include "server.h"

#include <h2o.h>
#include <pthread.h>

/** Per-thread state. The h2o context comes first so handlers can cast req->conn->ctx. */
typedef struct pv_http_thread {
    h2o_context_t ctx;
    h2o_accept_ctx_t accept_ctx;
    pv_server *server;
    pv_jobstore *jobs; /**< this thread's connection to the job store */
    void *source_ctx;  /**< this thread's instance of the data source */
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

/** Stops the threads (srv->stopping must be set) and frees everything. */
void pv_http_stop(pv_http *http);

/* Request handlers, in api_*.c. Each answers the request and returns 0. */
int pv_api_route(h2o_handler_t *self, h2o_req_t *req);
/**
 * First handler of every path (http_framing.c): answers a request whose
 * body framing is ambiguous with 400 and closes its connection; returns -1
 * (on to the next handler) for every other request.
 */
int pv_http_framing_check(h2o_handler_t *self, h2o_req_t *req);
int pv_api_download_guard(h2o_handler_t *self, h2o_req_t *req);

#endif
