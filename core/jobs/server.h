/*
 * The state pivotd's serving threads share: settings, plugins, the auth
 * backends in use, and the pipe that wakes the scheduler.
 */
#ifndef PV_SERVER_H
#define PV_SERVER_H

#include "config.h"
#include "registry.h"

#include <signal.h>
#include <stdatomic.h>

#define PV_MAX_AUTH_BACKENDS 8

/** An auth backend in use, with its open instance. */
typedef struct pv_auth_in_use {
    const pivot_auth_backend *backend;
    void *ctx;
} pv_auth_in_use;

/** Shared, read-mostly server state. */
typedef struct pv_server {
    const pv_config *config;
    pv_registry *registry;
    const pivot_source *source; /**< the data source (config "source", default avro) */
    pv_auth_in_use auth[PV_MAX_AUTH_BACKENDS];
    int nauth;
    char job_store_path[4096]; /**< <state_dir>/jobs.db */
    char results_dir[4096];    /**< <state_dir>/results */
    int scheduler_wake_fd;     /**< write end of the scheduler's wake-up pipe */
    /** Set when the server shuts down; read by the HTTP and scheduler threads. */
    atomic_int stopping;
} pv_server;

/** Wakes the scheduler (a job was queued or cancelled). Never blocks. */
void pv_server_wake_scheduler(pv_server *srv);

#endif
