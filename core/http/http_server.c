#include "http_server.h"

#include "api.h"
#include "http_access.h"
#include "http_metrics.h"

#include "log.h"

#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct pv_http {
    pv_server *server;
    h2o_globalconf_t globalconf;
    h2o_hostconf_t *hostconf;
    pv_http_thread *threads;
    int nthreads;
    pv_blocking_pool *pool;
};

/* pv_server's job-end hook: each loop wakes the requests waiting for the job. */
static void tell_loops_job_ended(void *arg, const char *job_id, int ended)
{
    pv_http *http = arg;
    for (int i = 0; i < http->nthreads; i++)
        pv_job_watches_post(&http->threads[i].watches, job_id,
                            ended ? PV_JOB_ENDED : PV_JOB_CHANGED);
}

static void on_accept(h2o_socket_t *listener, const char *err)
{
    pv_http_thread *t = listener->data;
    h2o_socket_t *sock;
    if (err != NULL)
        return;
    if ((sock = h2o_evloop_socket_accept(listener)) == NULL)
        return;
    h2o_accept(&t->accept_ctx, sock);
}

/* Opens a listening socket; with SO_REUSEPORT every thread gets its own and
 * the kernel spreads connections evenly between them. */
static int open_listener(const char *host, int port, char *err, size_t errlen)
{
    struct addrinfo hints = {0}, *res = NULL;
    char service[16];
    int fd = -1, on = 1, rc;

    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    snprintf(service, sizeof(service), "%d", port);
    rc = getaddrinfo(host, service, &hints, &res);
    if (rc != 0) {
        snprintf(err, errlen, "listen address %s: %s", host, gai_strerror(rc));
        return -1;
    }
    fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on)) != 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) != 0 || listen(fd, SOMAXCONN) != 0) {
        snprintf(err, errlen, "cannot listen on %s:%d: %s", host, port, strerror(errno));
        if (fd >= 0)
            close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    return fd;
}

static int bound_port_of(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* A probe reached the loop: the loop turns, so it is not stuck. */
static void on_probe(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    pv_http_thread *t = H2O_STRUCT_FROM_MEMBER(pv_http_thread, probe, receiver);

    while (!h2o_linklist_is_empty(messages)) {
        h2o_multithread_message_t *m =
            H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
        h2o_linklist_unlink(&m->link);
    }
    /* After the unlink: the prober reuses the message once it sees the count. */
    atomic_fetch_add(&t->probes_answered, 1);
}

void pv_http_probe_send(pv_http *http)
{
    for (int i = 0; i < http->nthreads; i++) {
        pv_http_thread *t = &http->threads[i];
        if (!t->started || !atomic_load(&t->awake) ||
            atomic_load(&t->probes_answered) != t->probes_sent)
            continue;
        t->probes_sent++;
        h2o_multithread_send_message(&t->probe, &t->probe_message);
    }
}

int pv_http_probe_answered(pv_http *http, int *laggard)
{
    for (int i = 0; i < http->nthreads; i++) {
        pv_http_thread *t = &http->threads[i];
        if (!t->started || !atomic_load(&t->awake) || t->probes_sent == 0 ||
            atomic_load(&t->probes_answered) != t->probes_sent) {
            *laggard = i;
            return 0;
        }
    }
    return 1;
}

static void *thread_main(void *arg)
{
    pv_http_thread *t = arg;

    /* Sockets are made on the thread that runs them: h2o gives each socket
     * the input-buffer allocator of the thread that creates it, and that
     * allocator is thread-local. The queue reads an eventfd socket. */
    t->queue = h2o_multithread_create_queue(t->ctx.loop);
    h2o_multithread_register_receiver(t->queue, &t->returned, pv_blocking_on_returned);
    h2o_multithread_register_receiver(t->queue, &t->probe, on_probe);
    pv_job_watches_attach(&t->watches, t->queue);
    h2o_timeout_init(t->ctx.loop, &t->sync_wait, (uint64_t)t->server->config->sync_max_wait_ms);
    h2o_timeout_init(t->ctx.loop, &t->poll_tick, PV_POLL_TICK_MS);
    t->listener = h2o_evloop_socket_create(t->ctx.loop, t->listen_fd, H2O_SOCKET_FLAG_DONT_READ);
    t->listener->data = t;
    h2o_socket_read_start(t->listener, on_accept);
    /* The loop sleeps until an event: pv_http_stop wakes it through the
     * queue once it may (awake is set), after setting srv->stopping. Either
     * it sees awake, or this thread sees stopping below. */
    atomic_store(&t->awake, 1);
    while (!t->server->stopping)
        h2o_evloop_run(t->ctx.loop, INT32_MAX);
    h2o_socket_read_stop(t->listener);
    h2o_socket_close(t->listener);
    t->listener = NULL;
    /* Open connections are abandoned rather than disposed: h2o 2.2 has no
     * graceful close for them, and the process is about to exit. */
    return NULL;
}

/* Every request passes the framing check before the path's own handlers. */
static void add_framing_check(h2o_pathconf_t *path)
{
    h2o_handler_t *check = h2o_create_handler(path, sizeof(*check));
    check->on_req = pv_http_framing_check;
}

/*
 * The Content-Type of each result file from the exporter that writes it:
 * the media type of every loaded format under its file name extension, so
 * that a format added by a plugin downloads as what it is.
 */
static void define_result_type(h2o_mimemap_t *mimemap, const char *ext, const char *media_type)
{
    if (ext == NULL || media_type == NULL)
        return;
    if (ext[0] == '.')
        ext++;
    if (ext[0] != '\0')
        h2o_mimemap_define_mimetype(mimemap, ext, media_type, NULL);
}

static h2o_mimemap_t *result_types(const pv_registry *reg)
{
    h2o_mimemap_t *mimemap = h2o_mimemap_create();

    h2o_mimemap_set_default_type(mimemap, "application/octet-stream", NULL);
    for (int i = 0; i < reg->nexporters; i++) {
        const pivot_exporter *e = reg->exporters[i].provider;

        define_result_type(mimemap, e->extension, e->media_type);
        if (PIVOT_HAS_MEMBER(e, pivot_exporter, other_types) && e->other_types != NULL)
            for (size_t k = 0; e->other_types[k] != NULL; k++)
                define_result_type(mimemap, e->other_types[k]->extension,
                                   e->other_types[k]->media_type);
    }
    return mimemap;
}

static int setup_routes(pv_http *http)
{
    h2o_pathconf_t *files, *api;
    h2o_handler_t *guard, *router;
    h2o_mimemap_t *mimemap;
    static const char *no_index[] = {NULL};

    h2o_config_init(&http->globalconf);
    /* Bodies a little over the limit are read so that the handler can answer
     * with a problem document; h2o itself refuses larger ones (text/plain). */
    http->globalconf.max_request_entity_size = http->server->config->max_request_bytes * 2;
    /* Slow or silent clients only hold a socket, never a thread (the event
     * loop serves the others meanwhile), and not for long: a request's head
     * and body must arrive within api.limits.request_timeout. h2o caps a
     * request head at H2O_MAX_REQLEN. */
    http->globalconf.http1.req_timeout = (uint64_t)http->server->config->request_timeout_s * 1000;
    /* HTTP/1.1 only: the port is plain TCP, and h2o 2.2 would otherwise
     * speak cleartext HTTP/2 (to a "PRI *" preface, or after Upgrade: h2c)
     * with no bound on the streams a client opens and resets at once.
     * HTTP/2 belongs to the TLS proxy in front (docs/security.md). */
    http->globalconf.http1.upgrade_to_http2 = 0;
    /* The Server header names the service, not the library and its version. */
    http->globalconf.server_name = h2o_iovec_init(H2O_STRLIT("pivotd"));
    http->hostconf =
        h2o_config_register_host(&http->globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
    /* h2o picks the first path that matches, so the result files come first:
     * a guard checks the caller owns the job, then the file handler serves it
     * with Range, ETag and HEAD support. */
    files = h2o_config_register_path(http->hostconf, "/api/v1/pivot/files", 0);
    pv_http_request_id_attach(files);
    add_framing_check(files);
    pv_http_metrics_attach(files);
    guard = h2o_create_handler(files, sizeof(*guard));
    guard->on_req = pv_api_download_guard;
    mimemap = result_types(http->server->registry);
    h2o_file_register(files, http->server->results_dir, no_index, mimemap, 0);
    h2o_mem_release_shared(mimemap);
    api = h2o_config_register_path(http->hostconf, "/", 0);
    pv_http_request_id_attach(api);
    add_framing_check(api);
    pv_http_metrics_attach(api);
    router = h2o_create_handler(api, sizeof(*router));
    router->on_req = pv_api_route;
    return 0;
}

int pv_http_start(pv_server *srv, pv_http **out, int *bound_port, char *err, size_t errlen)
{
    pv_http *http = calloc(1, sizeof(*http));
    const pv_config *cfg = srv->config;
    int rc = PIVOT_EIO, port = cfg->listen_port;

    if (http == NULL)
        return PIVOT_ENOMEM;
    http->server = srv;
    http->nthreads = cfg->http_threads > 0 ? cfg->http_threads : 1;
    http->threads = calloc((size_t)http->nthreads, sizeof(*http->threads));
    if (http->threads == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    /* pv_http_stop closes the listeners of every thread, reached or not. */
    for (int i = 0; i < http->nthreads; i++)
        http->threads[i].listen_fd = -1;
    rc = pv_http_metrics_configure(cfg, err, errlen);
    if (rc != 0)
        goto out;
    setup_routes(http);
    /* By default one quick-lane thread per loop: status polls are as many
     * as the loops can take, and a read never waits long. The slow lane's
     * few threads (4) let one slow look-up not hold up the submissions. */
    rc = pv_blocking_start(
        srv, cfg->quick_lane_threads > 0 ? cfg->quick_lane_threads : http->nthreads,
        cfg->slow_lane_threads > 0 ? cfg->slow_lane_threads : 1, &http->pool, err, errlen);
    if (rc != 0)
        goto out;
    rc = PIVOT_EIO;
    for (int i = 0; i < http->nthreads; i++) {
        pv_http_thread *t = &http->threads[i];
        t->server = srv;
        /* Port 0: the first listener picks a free port and the others share it. */
        t->listen_fd = open_listener(cfg->listen_host, port, err, errlen);
        if (t->listen_fd < 0)
            goto out;
        if (port == 0)
            port = bound_port_of(t->listen_fd);
        h2o_context_init(&t->ctx, h2o_evloop_create(), &http->globalconf);
        t->accept_ctx.ctx = &t->ctx;
        t->accept_ctx.hosts = http->globalconf.hosts;
        t->pool = http->pool;
        pv_job_watches_init(&t->watches);
        t->watches_ready = 1;
    }
    pv_server_set_job_end_hook(srv, tell_loops_job_ended, http);
    for (int i = 0; i < http->nthreads; i++) {
        pv_http_thread *t = &http->threads[i];
        if (pthread_create(&t->thread, NULL, thread_main, t) != 0) {
            snprintf(err, errlen, "cannot start an HTTP thread: %s", strerror(errno));
            srv->stopping = 1;
            goto out;
        }
        t->started = 1;
    }
    *bound_port = port;
    *out = http;
    http = NULL;
    rc = 0;
out:
    if (http != NULL)
        pv_http_stop(http);
    return rc;
}

void pv_http_stop(pv_http *http)
{
    if (http == NULL)
        return;
    pv_server_set_job_end_hook(http->server, NULL, NULL);
    for (int i = 0; http->threads != NULL && i < http->nthreads; i++) {
        pv_http_thread *t = &http->threads[i];
        /* An empty message only writes the queue's eventfd: the loop wakes. */
        if (t->started && atomic_load(&t->awake))
            h2o_multithread_send_message(&t->returned, NULL);
    }
    for (int i = 0; http->threads != NULL && i < http->nthreads; i++) {
        pv_http_thread *t = &http->threads[i];
        if (t->started)
            pthread_join(t->thread, NULL);
        else if (t->listen_fd >= 0)
            close(t->listen_fd);
    }
    /* After the loops: a request on a blocking thread is abandoned with its
     * connection. The queues and contexts are abandoned with the loops. */
    pv_blocking_stop(http->pool);
    for (int i = 0; http->threads != NULL && i < http->nthreads; i++) {
        if (http->threads[i].watches_ready)
            pv_job_watches_free(&http->threads[i].watches);
    }
    free(http->threads);
    free(http);
}
