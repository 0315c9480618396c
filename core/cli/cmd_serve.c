#include "auth_gate.h"
#include "commands.h"
#include "host.h"
#include "http_server.h"
#include "jobstore.h"
#include "jobstore_backend.h"
#include "jobstore_keys.h"
#include "log.h"
#include "plugin_loader.h"
#include "plugin_set.h"
#include "quota_store.h"
#include "scheduler.h"
#include "serve_reload.h"
#include "service_manager.h"
#include "state_dir.h"
#include "state_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long the HTTP loops get to answer their first probe before pivotd
 * says it is ready anyway (they run by then unless the machine is stalled). */
#define READY_PROBE_WAIT_MS 5000

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Ready once the listeners are bound (pv_http_start) and every HTTP loop
 * turns: a client the service manager lets in is answered. */
static void announce_ready(pv_http *http, const char *url)
{
    int laggard = 0;

    /* Sent again each turn: a loop not yet running is skipped by a send. */
    for (int waited = 0; waited < READY_PROBE_WAIT_MS; waited++) {
        pv_http_probe_send(http);
        if (pv_http_probe_answered(http, &laggard))
            break;
        sleep_ms(1);
    }
    pv_log_listening(url);
    fflush(stderr);
    pv_service_ready(url);
}

/* The watchdog's keep-alive is sent only when every HTTP loop answered the
 * previous probe: a loop stuck on a lock or in a busy loop stops the
 * keep-alives, and systemd restarts pivotd (WatchdogSec). */
static void watchdog_tick(pv_http *http)
{
    int laggard = 0;

    if (pv_http_probe_answered(http, &laggard))
        pv_service_watchdog_alive();
    else
        pv_log(PIVOT_LOG_ERROR, "pivotd",
               "HTTP loop %d has not answered its liveness probe; watchdog keep-alive withheld",
               laggard);
    pv_http_probe_send(http);
}

/* Waits for a stop signal, applying SIGHUP reloads and feeding the
 * watchdog meanwhile. Returns the stop signal. */
static int serve_until_stopped(const pv_cli *cli, pv_jobstore *js, pv_http *http,
                               const sigset_t *signals, const char *url)
{
    uint64_t watchdog_usec = pv_service_watchdog_usec();
    /* Keep-alives at a quarter of the interval: one late tick still leaves margin. */
    uint64_t tick_usec = watchdog_usec / 4;
    struct timespec tick = {(time_t)(tick_usec / 1000000), (long)(tick_usec % 1000000) * 1000};
    int sig;

    for (;;) {
        sig = watchdog_usec > 0 ? sigtimedwait(signals, NULL, &tick) : sigwaitinfo(signals, NULL);
        if (sig < 0) {
            if (errno == EAGAIN)
                watchdog_tick(http);
            continue;
        }
        if (sig != SIGHUP)
            return sig;
        pv_log(PIVOT_LOG_INFO, "pivotd", "Hangup received, reloading");
        pv_service_reloading();
        pv_serve_reload(cli, js);
        pv_service_ready(url);
    }
}

int pv_cli_cmd_serve(pv_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PV_CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    static pv_registry registry;
    static char plugin_set[4200];
    pv_server srv;
    pv_jobstore *js = NULL;
    pv_scheduler *scheduler = NULL;
    pv_http *http = NULL;
    const pv_config *cfg = &cli->config;
    const char *worker_args[16];
    const char *source_name;
    char err[1024] = "", url[300];
    int wake[2] = {-1, -1}, port = 0, n = 0, status = 1, sig, lock_fd = -1;
    int results_lock_fd = -1;
    sigset_t stop_signals;

    int parsed = pv_cli_parse(cli, argc, argv, options, NULL, NULL);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    memset(&srv, 0, sizeof(srv));
    pthread_mutex_init(&srv.job_end_lock, NULL);
    srv.config = cfg;
    srv.registry = &registry;
    srv.scheduler_wake_fd = -1;
    if (pv_state_dir_prepare(cfg, srv.job_store_path, sizeof(srv.job_store_path), srv.results_dir,
                             sizeof(srv.results_dir), err, sizeof(err)) != 0)
        goto out;
    /* Before anything reads the job store: a second server must not
     * recover (kill) the first one's running jobs. */
    lock_fd = pv_state_lock_take(cfg->state_dir, err, sizeof(err));
    if (lock_fd >= 0)
        results_lock_fd = pv_results_lock_take(
            srv.results_dir, pv_jobstore_is_postgres(srv.job_store_path), err, sizeof(err));
    if (lock_fd < 0 || results_lock_fd == -1 ||
        pv_state_dir_check_store(srv.job_store_path, srv.results_dir, err, sizeof(err)) != 0)
        goto out;
    /* The job store exists before plugins load: the auth plugin keeps its keys there. */
    if (pv_jobstore_open(srv.job_store_path, &js, err, sizeof(err)) != 0 ||
        pv_quota_store_publish_config(js, cfg, err, sizeof(err)) != 0)
        goto out;
    pv_host_init(cfg);
    /* With a shared job store, API keys are every node's. */
    pv_host_set_key_store(pv_jobstore_key_store(srv.job_store_path));
    if (pv_host_load_plugins(&registry, cfg, err, sizeof(err)) != 0)
        goto out;
    /* The set its workers will run, whatever appears in the directory later. */
    if (snprintf(plugin_set, sizeof(plugin_set), "%s/%s", cfg->state_dir, PV_PLUGIN_SET_NAME) >=
            (int)sizeof(plugin_set) ||
        pv_plugin_set_write(&registry, plugin_set, err, sizeof(err)) != 0)
        goto out;
    source_name = pv_config_get(cfg, "source");
    if (source_name == NULL)
        source_name = "avro";
    srv.source = pv_registry_source(&registry, source_name);
    if (srv.source == NULL) {
        snprintf(err, sizeof(err), "data source \"%s\" is not provided by any loaded plugin",
                 source_name);
        goto out;
    }
    if (pv_auth_open_all(&srv, err, sizeof(err)) != 0)
        goto out;
    if (pipe2(wake, O_NONBLOCK | O_CLOEXEC) != 0) {
        snprintf(err, sizeof(err), "pipe: %s", strerror(errno));
        goto out;
    }
    srv.scheduler_wake_fd = wake[1];

    /* Workers get the settings this server resolved, so that they read the
     * same data and state whatever the config file says. */
    worker_args[n++] = "--state-dir";
    worker_args[n++] = cfg->state_dir;
    worker_args[n++] = "--data-dir";
    worker_args[n++] = cfg->data_dir;
    if (cfg->plugin_dir != NULL) {
        worker_args[n++] = "--plugin-dir";
        worker_args[n++] = cfg->plugin_dir;
    }
    if (cli->config_path != NULL) {
        worker_args[n++] = "--config";
        worker_args[n++] = cli->config_path;
    }
    worker_args[n++] = "--plugin-set";
    worker_args[n++] = plugin_set;
    worker_args[n] = NULL;

    /* Signals are taken synchronously by this thread; every thread started
     * from here inherits the blocked mask. */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (pv_scheduler_start(&srv, worker_args, wake[0], &scheduler, err, sizeof(err)) != 0)
        goto out;
    if (pv_http_start(&srv, &http, &port, err, sizeof(err)) != 0)
        goto out;
    snprintf(url, sizeof(url), "http://%s:%d", cfg->listen_host, port);
    announce_ready(http, url);
    sig = serve_until_stopped(cli, js, http, &stop_signals, url);
    pv_log(PIVOT_LOG_INFO, "pivotd", "%s received, stopping", strsignal(sig));
    status = 0;
out:
    pv_service_stopping();
    srv.stopping = 1;
    pv_http_stop(http);
    pv_scheduler_stop(scheduler);
    pv_auth_close_all(&srv);
    pv_jobstore_key_store_release();
    pv_jobstore_close(js);
    if (wake[0] >= 0)
        close(wake[0]);
    if (wake[1] >= 0)
        close(wake[1]);
    pv_state_lock_release(results_lock_fd);
    pv_state_lock_release(lock_fd);
    pthread_mutex_destroy(&srv.job_end_lock);
    if (status != 0)
        fprintf(stderr, "pivotd: %s\n", err[0] ? err : "failed to start");
    return status;
}
