/*
 * The state pivotd's serving threads share: settings, plugins, the auth
 * backends in use, and the pipe that wakes the scheduler.
 */
#ifndef PV_SERVER_H
#define PV_SERVER_H

#include "config.h"
#include "registry.h"

#include <pthread.h>
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
    char job_store_path[4096]; /**< <state_dir>/jobs.db, or the job_store URI */
    char results_dir[4096];    /**< results_dir, or <state_dir>/results */
    int scheduler_wake_fd;     /**< write end of the scheduler's wake-up pipe */
    /** Set when the server shuts down; read by the HTTP and scheduler threads. */
    atomic_int stopping;
    /** Set while a shared job store (PostgreSQL) cannot be reached; /health says degraded. */
    atomic_int store_degraded;
    /** Guards the hook below; pthread_mutex_init'ed with the server. */
    pthread_mutex_t job_end_lock;
    /**
     * Told of each job that ended (ended 1) or changed (ended 0: it started,
     * or its worker stored progress), from any thread; the HTTP front wakes
     * its waiters.
     */
    void (*job_end_hook)(void *arg, const char *job_id, int ended);
    void *job_end_arg;
} pv_server;

/** Wakes the scheduler (a job was queued or cancelled). Never blocks. */
void pv_server_wake_scheduler(pv_server *srv);

/**
 * Says that job_id reached a final status (completed, failed, cancelled) or
 * was deleted, after the store says so. Any thread; never blocks long.
 */
void pv_server_job_ended(pv_server *srv, const char *job_id);

/**
 * Says that job_id changed without ending: a worker started it, or stored
 * new progress. Any thread; never blocks long.
 */
void pv_server_job_changed(pv_server *srv, const char *job_id);

/** Sets (or, with NULL, clears) the hook pv_server_job_ended and _changed call. */
void pv_server_set_job_end_hook(pv_server *srv,
                                void (*hook)(void *arg, const char *job_id, int ended), void *arg);

#endif
