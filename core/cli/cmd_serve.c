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
#include "state_dir.h"
#include "state_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
    char err[1024] = "";
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
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (pv_scheduler_start(&srv, worker_args, wake[0], &scheduler, err, sizeof(err)) != 0)
        goto out;
    if (pv_http_start(&srv, &http, &port, err, sizeof(err)) != 0)
        goto out;
    fprintf(stderr, "pivotd: listening on http://%s:%d\n", cfg->listen_host, port);
    fflush(stderr);
    sigwait(&stop_signals, &sig);
    pv_log(PIVOT_LOG_INFO, "pivotd", "%s received, stopping", strsignal(sig));
    status = 0;
out:
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
