#include "scheduler.h"

#include "metrics.h"

#include "jobstore.h"
#include "log.h"
#include "progress_pipe.h"
#include "result_files.h"
#include "state_dir.h"
#include "timeutil.h"
#include "worker_lock.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <unistd.h>

void pv_server_wake_scheduler(pv_server *srv)
{
    char byte = 1;
    /* The pipe is non-blocking: when it is full the scheduler is awake anyway. */
    if (write(srv->scheduler_wake_fd, &byte, 1) < 0 && errno != EAGAIN)
        pv_log(PIVOT_LOG_DEBUG, "pivotd", "waking the scheduler: %s", strerror(errno));
}

static void tell_hook(pv_server *srv, const char *job_id, int ended)
{
    pthread_mutex_lock(&srv->job_end_lock);
    if (srv->job_end_hook != NULL)
        srv->job_end_hook(srv->job_end_arg, job_id, ended);
    pthread_mutex_unlock(&srv->job_end_lock);
}

void pv_server_job_ended(pv_server *srv, const char *job_id)
{
    tell_hook(srv, job_id, 1);
}

void pv_server_job_changed(pv_server *srv, const char *job_id)
{
    tell_hook(srv, job_id, 0);
}

void pv_server_set_job_end_hook(pv_server *srv,
                                void (*hook)(void *arg, const char *job_id, int ended), void *arg)
{
    /* Under the lock: once cleared, no thread is still inside the old hook. */
    pthread_mutex_lock(&srv->job_end_lock);
    srv->job_end_hook = hook;
    srv->job_end_arg = arg;
    pthread_mutex_unlock(&srv->job_end_lock);
}

extern char **environ;

#define PV_STR_(x) #x
#define PV_STR(x) PV_STR_(x)

#define MAX_WORKERS 64
#define MAX_WORKER_ARGS 24
#define CANCEL_GRACE_MS 5000
#define SHUTDOWN_GRACE_MS 5000
#define SWEEP_INTERVAL_MS 60000
/* The scheduler sleeps until something happens: a wake-up (a job queued or
 * cancelled, the server stopping), a worker's exit (its pidfd), or the
 * earliest of its deadlines (a job's timeout, a cancel's grace period, a
 * heartbeat's expiry, the retention sweep). Without pidfds (Linux < 5.3)
 * exits are looked for at this interval instead. */
#define NO_PIDFD_TICK_MS 200
/* After the job store failed (busy, full disk), the next try. */
#define STORE_RETRY_MS 1000
/* A node of a cluster beats this often, at most; 4 beats fit a heartbeat timeout. */
#define NODE_BEAT_MAX_MS 5000

/* A worker process this server started. */
typedef struct worker {
    pid_t pid;
    int pidfd; /* readable once the process has exited; -1 without pidfd_open */
    char job_id[PV_JOB_ID_SIZE];
    int64_t started_ms;   /* monotonic */
    int64_t term_sent_ms; /* monotonic; 0 when not asked to stop */
    int timed_out;
    int stuck;   /* no heartbeat for jobs.heartbeat_timeout */
    int attempt; /* the job's attempt it runs: names its partial file */
} worker;

struct pv_scheduler {
    pv_server *server;
    pv_jobstore *jobs;
    const char *const *worker_args;
    int wake_fd;
    pv_progress_pipe progress; /* workers' progress notes (progress_pipe.h) */
    char exe[PATH_MAX];
    worker workers[MAX_WORKERS];
    int nworkers;
    int64_t last_sweep_ms;
    int64_t last_beat_ms;        /* monotonic: this node's last heartbeat in a shared store */
    int64_t due_ms;              /* monotonic: the earliest deadline of this round */
    size_t unaccounted_reported; /* result files kept, last reported, for a store with no job */
    pthread_t thread;
    int started;
};

static worker *find_worker(pv_scheduler *s, pid_t pid)
{
    for (int i = 0; i < s->nworkers; i++) {
        if (s->workers[i].pid == pid)
            return &s->workers[i];
    }
    return NULL;
}

static void forget_worker(pv_scheduler *s, worker *w)
{
    if (w->pidfd >= 0)
        close(w->pidfd);
    *w = s->workers[--s->nworkers];
}

/* Brings this round's wake-up forward to at_ms (monotonic). */
static void due_at(pv_scheduler *s, int64_t at_ms)
{
    if (at_ms < s->due_ms)
        s->due_ms = at_ms;
}

/* Says why a worker ended, for the job's error. */
static void describe_exit(int status, char *out, size_t len)
{
    if (WIFSIGNALED(status))
        snprintf(out, len, "the worker process was killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(out, len, "the worker process exited with status %d", WEXITSTATUS(status));
}

/* Removes the partial files of one attempt of a job, what a killed worker
 * could not: <job_id><ext>.<attempt>.part and the exporter's own parts
 * beside it (<job_id><ext>.<attempt>.part.<n>.part). Another attempt's are
 * left alone: in a shared results folder, it may be running on another
 * node right now. */
static void remove_job_partials(pv_scheduler *s, const char *job_id, int attempt)
{
    DIR *d = opendir(s->server->results_dir);
    struct dirent *e;
    size_t idlen = strlen(job_id);
    char mark[32];
    if (d == NULL)
        return;
    snprintf(mark, sizeof(mark), ".%d.part", attempt);
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        const char *at;
        if (len <= idlen + 5 || strncmp(e->d_name, job_id, idlen) != 0 || e->d_name[idlen] != '.' ||
            strcmp(e->d_name + len - 5, ".part") != 0)
            continue;
        at = strstr(e->d_name + idlen, mark);
        if (at != NULL && (at[strlen(mark)] == '\0' || at[strlen(mark)] == '.')) {
            char path[PATH_MAX + 256];
            snprintf(path, sizeof(path), "%s/%s", s->server->results_dir, e->d_name);
            unlink(path);
        }
    }
    closedir(d);
}

/* The job's run time and result size for the metrics, once its worker is
 * gone: counted by the server whose worker ran the attempt that ended it,
 * not by one whose earlier attempt's worker exits later. */
static void count_finished(pv_scheduler *s, const worker *w)
{
    pv_job job;

    if (pv_jobstore_get(s->jobs, w->job_id, NULL, &job) != 0)
        return;
    if ((job.status == PV_JOB_COMPLETED || job.status == PV_JOB_FAILED ||
         job.status == PV_JOB_CANCELLED) &&
        job.attempts == w->attempt) {
        double run_s = job.started_ms > 0 && job.finished_ms >= job.started_ms
                           ? (double)(job.finished_ms - job.started_ms) / 1000
                           : 0.0;
        pv_metrics_job_finished(pv_job_status_name(job.status), run_s, job.file_size);
    }
    pv_job_clear(&job);
}

/* True when another worker of this scheduler runs w's job (a later attempt). */
static int runs_elsewhere_here(const pv_scheduler *s, const worker *w)
{
    for (int i = 0; i < s->nworkers; i++) {
        if (&s->workers[i] != w && strcmp(s->workers[i].job_id, w->job_id) == 0)
            return 1;
    }
    return 0;
}

static void on_worker_exit(pv_scheduler *s, worker *w, int status)
{
    pv_job job;
    char cause[160], msg[400];
    int64_t timeout = s->server->config->job_timeout_s;

    if (pv_jobstore_get(s->jobs, w->job_id, NULL, &job) == 0) {
        /* A job processing in a later attempt is no longer this worker's:
         * it requeued the job before it exited, and this scheduler (or
         * another node) started it again before this exit was reaped. */
        if (job.status == PV_JOB_PROCESSING && job.attempts == w->attempt) {
            /* The worker records its own outcome; a job still processing
             * in its attempt means it died before it could. */
            if (w->timed_out) {
                snprintf(msg, sizeof(msg),
                         "the job timed out: it ran longer than the %lld s limit (jobs.timeout) "
                         "and was stopped; export a shorter range or fewer channels",
                         (long long)timeout);
            } else if (w->stuck) {
                snprintf(msg, sizeof(msg),
                         "the worker stopped reporting progress for %lld s "
                         "(jobs.heartbeat_timeout) and was stopped",
                         (long long)s->server->config->heartbeat_timeout_s);
            } else if (job.cancel_requested) {
                snprintf(msg, sizeof(msg), "cancelled by the user while processing");
            } else {
                describe_exit(status, cause, sizeof(cause));
                snprintf(msg, sizeof(msg), "%s before finishing the export", cause);
            }
            remove_job_partials(s, w->job_id, w->attempt);
            pv_jobstore_finish(s->jobs, w->job_id,
                               job.cancel_requested && !w->timed_out && !w->stuck ? PV_JOB_CANCELLED
                                                                                  : PV_JOB_FAILED,
                               msg, pv_time_now_ms());
            pv_log(PIVOT_LOG_WARNING, "pivotd", "job %s: %s", w->job_id, msg);
        }
        pv_job_clear(&job);
    }
    /* The lock file is named by the job only: a later attempt's worker of
     * this server holds it now. */
    if (!runs_elsewhere_here(s, w))
        pv_worker_lock_remove(s->server->config->state_dir, w->job_id);
    count_finished(s, w);
    /* Whatever the worker recorded, or the lines above, is final now. */
    pv_server_job_ended(s->server, w->job_id);
    forget_worker(s, w);
}

static void reap_workers(pv_scheduler *s)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        worker *w = find_worker(s, pid);
        if (w != NULL)
            on_worker_exit(s, w, status);
    }
}

/* Cancellation and the timeout are enforced from outside the worker: a
 * stuck plugin cannot ignore SIGKILL. */
static void police_workers(pv_scheduler *s)
{
    int64_t now = pv_time_monotonic_ms();
    int64_t timeout_ms = s->server->config->job_timeout_s * 1000;
    int64_t heartbeat_ms = s->server->config->heartbeat_timeout_s * 1000;

    for (int i = 0; i < s->nworkers; i++) {
        worker *w = &s->workers[i];
        pv_job job;
        if (w->timed_out || w->stuck)
            continue; /* killed: its exit comes next */
        if (now - w->started_ms > timeout_ms) {
            w->timed_out = 1;
            kill(w->pid, SIGKILL);
            continue;
        }
        due_at(s, w->started_ms + timeout_ms + 1);
        if (w->term_sent_ms != 0) {
            if (now - w->term_sent_ms > CANCEL_GRACE_MS)
                kill(w->pid, SIGKILL);
            else
                due_at(s, w->term_sent_ms + CANCEL_GRACE_MS + 1);
            continue;
        }
        if (pv_jobstore_get(s->jobs, w->job_id, NULL, &job) != 0) {
            due_at(s, now + STORE_RETRY_MS);
            continue;
        }
        if (pv_jobstore_is_shared(s->jobs) &&
            (job.status == PV_JOB_QUEUED ||
             (job.status == PV_JOB_PROCESSING && job.attempts != w->attempt))) {
            /* This node was taken for dead meanwhile (frozen, cut off): the
             * job is queued again or runs in a later attempt, and this
             * worker's writes are refused; it stops now, not at its next. */
            pv_log(PIVOT_LOG_WARNING, "pivotd",
                   "job %s: attempt %d was taken over (the job is %s, attempt %d); stopping "
                   "its worker %d",
                   w->job_id, w->attempt, pv_job_status_name(job.status), job.attempts,
                   (int)w->pid);
            kill(w->pid, SIGKILL);
            w->term_sent_ms = now;
            due_at(s, now + CANCEL_GRACE_MS + 1);
        } else if (job.cancel_requested) {
            kill(w->pid, SIGTERM);
            w->term_sent_ms = now;
            due_at(s, now + CANCEL_GRACE_MS + 1);
        } else if (job.heartbeat_ms != 0 && pv_time_now_ms() - job.heartbeat_ms > heartbeat_ms) {
            /* A worker that stopped writing progress is hung (or
             * stopped): kill it now rather than at the job timeout. */
            w->stuck = 1;
            kill(w->pid, SIGKILL);
        } else {
            /* Silence is checked when the last beat would expire (or, before
             * the first beat, a heartbeat period from now). */
            int64_t left = job.heartbeat_ms != 0
                               ? job.heartbeat_ms + heartbeat_ms - pv_time_now_ms() + 1
                               : heartbeat_ms;
            due_at(s, now + left);
        }
        pv_job_clear(&job);
    }
}

/* Waits up to SHUTDOWN_GRACE_MS for process pid to end, on its pidfd. */
static void wait_gone(pid_t pid);

static void stop_leftover_workers(pv_scheduler *s, const pv_job *job);

/* Kills and awaits a worker of this server still running job_id: an
 * earlier attempt that gave its job back (or had it taken) and is not yet
 * reaped. It holds the job's worker lock, which the next attempt's worker
 * needs. */
static void stop_stale_worker(pv_scheduler *s, const char *job_id)
{
    for (int i = 0; i < s->nworkers; i++) {
        if (strcmp(s->workers[i].job_id, job_id) == 0) {
            kill(s->workers[i].pid, SIGKILL);
            wait_gone(s->workers[i].pid);
        }
    }
}

static int spawn_worker(pv_scheduler *s, const char *job_id, int attempt, pid_t *pid)
{
    const char *argv[MAX_WORKER_ARGS + 9];
    char attempt_text[16];
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t files;
    sigset_t none, defaults;
    int n = 0, rc;

    argv[n++] = s->exe;
    argv[n++] = "worker";
    argv[n++] = "--job";
    argv[n++] = job_id;
    snprintf(attempt_text, sizeof(attempt_text), "%d", attempt);
    argv[n++] = "--attempt";
    argv[n++] = attempt_text;
    if (s->progress.write_fd >= 0) {
        argv[n++] = "--notify-fd";
        argv[n++] = PV_STR(PV_PROGRESS_FD);
    }
    for (int i = 0; i < MAX_WORKER_ARGS && s->worker_args[i] != NULL; i++)
        argv[n++] = s->worker_args[i];
    argv[n] = NULL;

    posix_spawnattr_init(&attr);
    /* The server blocks SIGINT/SIGTERM/SIGHUP in its threads; the worker must not
     * inherit that. Its own process group keeps a terminal's ^C away from
     * it: the server decides what happens to running jobs. */
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    /* The progress pipe's write end at a known number, open across the exec. */
    posix_spawn_file_actions_init(&files);
    if (s->progress.write_fd >= 0)
        posix_spawn_file_actions_adddup2(&files, s->progress.write_fd, PV_PROGRESS_FD);
    rc = posix_spawn(pid, s->exe, &files, &attr, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&files);
    posix_spawnattr_destroy(&attr);
    return rc;
}

static void start_jobs(pv_scheduler *s)
{
    int max = s->server->config->max_concurrent_jobs;
    int64_t running = 0;

    if (pv_jobstore_count_running(s->jobs, &running) != 0) {
        due_at(s, pv_time_monotonic_ms() + STORE_RETRY_MS);
        return;
    }
    while (running < max && s->nworkers < MAX_WORKERS && !s->server->stopping) {
        pv_job job;
        pid_t pid;
        int rc = pv_jobstore_claim_next(s->jobs, pv_time_now_ms(), &job);
        if (rc != 0) {
            if (rc != PIVOT_ENOENT)
                due_at(s, pv_time_monotonic_ms() + STORE_RETRY_MS);
            return;
        }
        stop_stale_worker(s, job.id);
        /* A worker of a server that died may still hold the job's lock,
         * having given the job back to the queue on its way out: the new
         * worker could not take the lock. */
        stop_leftover_workers(s, &job);
        rc = spawn_worker(s, job.id, job.attempts, &pid);
        if (rc != 0) {
            char msg[256];
            snprintf(msg, sizeof(msg), "the server could not start a worker process: %s",
                     strerror(rc));
            pv_jobstore_finish(s->jobs, job.id, PV_JOB_FAILED, msg, pv_time_now_ms());
            pv_server_job_ended(s->server, job.id);
            pv_log(PIVOT_LOG_ERROR, "pivotd", "job %s: %s", job.id, msg);
        } else {
            worker *w = &s->workers[s->nworkers++];
            memset(w, 0, sizeof(*w));
            w->pid = pid;
            /* The child is not reaped before its pidfd is open: even one
             * that exited already is still there, as a zombie. */
            w->pidfd = pidfd_open(pid, 0);
            snprintf(w->job_id, sizeof(w->job_id), "%s", job.id);
            w->attempt = job.attempts;
            w->started_ms = pv_time_monotonic_ms();
            /* Policed from the next round on: its first deadlines. */
            due_at(s, w->started_ms + s->server->config->job_timeout_s * 1000 + 1);
            due_at(s, w->started_ms + s->server->config->heartbeat_timeout_s * 1000);
            pv_jobstore_set_worker(s->jobs, job.id, pid);
            /* Queued to processing: whoever waits on the job's status hears it. */
            pv_server_job_changed(s->server, job.id);
            pv_log(PIVOT_LOG_INFO, "pivotd", "job %s: started worker %d (attempt %d)", job.id,
                   (int)pid, job.attempts);
            running++;
        }
        pv_job_clear(&job);
    }
}

static int remove_result(void *arg, const pv_job *job)
{
    pv_scheduler *s = arg;
    char path[PATH_MAX + 256];

    if (job->file_name != NULL &&
        pv_state_result_path(s->server->results_dir, job->file_name, path, sizeof(path)) == 0 &&
        unlink(path) != 0 && errno != ENOENT)
        pv_log(PIVOT_LOG_WARNING, "pivotd", "job %s: cannot remove %s: %s", job->id, path,
               strerror(errno));
    if (job->file_name != NULL)
        pv_state_remove_preview(s->server->results_dir, job->file_name);
    pv_log(PIVOT_LOG_INFO, "pivotd", "job %s: retention ended, result deleted", job->id);
    return 0;
}

/* Deletes result files no job refers to (a crash between writing a file
 * and recording it, a deleted row): nothing else would ever remove them.
 * Only names of the form <job id>.<extension> are results; a store that
 * holds no job at all vouches for nothing, so its files are kept and
 * reported (once for each count) instead. */
typedef struct orphan_sweep {
    size_t unaccounted;
    char example[256];
} orphan_sweep;

static void sweep_result_file(void *arg, const pv_result_file *f)
{
    orphan_sweep *sw = arg;

    switch (f->claim) {
    case PV_RESULT_ORPHAN:
        if (unlink(f->path) == 0)
            pv_log(PIVOT_LOG_INFO, "pivotd", "removed %s: no job refers to it", f->path);
        break;
    case PV_RESULT_UNACCOUNTED:
        if (!f->preview && sw->unaccounted++ == 0)
            snprintf(sw->example, sizeof(sw->example), "%s", f->name);
        break;
    case PV_RESULT_IN_USE:
    default:
        break;
    }
}

static void remove_orphan_results(pv_scheduler *s)
{
    orphan_sweep sw = {0, ""};

    if (pv_result_files_each(s->jobs, s->server->results_dir, sweep_result_file, &sw) != 0)
        return;
    if (sw.unaccounted != s->unaccounted_reported && sw.unaccounted > 0)
        pv_log(PIVOT_LOG_WARNING, "pivotd",
               "%s holds %zu result files (%s, ...) but the job store holds no job: keeping "
               "them; restore the jobs.db they belong to, or remove them by hand",
               s->server->results_dir, sw.unaccounted, sw.example);
    s->unaccounted_reported = sw.unaccounted;
}

static void sweep_expired(pv_scheduler *s)
{
    int64_t now = pv_time_monotonic_ms();
    int64_t sweep_ms = s->server->config->retention_s * 1000 / 10;
    /* Every minute, or more often with a short retention. */
    if (sweep_ms > SWEEP_INTERVAL_MS)
        sweep_ms = SWEEP_INTERVAL_MS;
    if (s->last_sweep_ms != 0 && now - s->last_sweep_ms < sweep_ms) {
        due_at(s, s->last_sweep_ms + sweep_ms);
        return;
    }
    s->last_sweep_ms = now;
    due_at(s, now + sweep_ms);
    pv_jobstore_expire(s->jobs, pv_time_now_ms() - s->server->config->retention_s * 1000,
                       pv_time_now_ms(), remove_result, s);
    remove_orphan_results(s);
}

/* Waits up to SHUTDOWN_GRACE_MS for process pid to end, on its pidfd. */
static void wait_gone(pid_t pid)
{
    int fd = pidfd_open(pid, 0);
    struct pollfd pfd = {fd, POLLIN, 0};

    if (fd < 0)
        return; /* gone already (ESRCH), or no pidfd on this kernel */
    poll(&pfd, 1, SHUTDOWN_GRACE_MS);
    close(fd);
}

/* Kills the worker of job that a previous server left running, if any, and
 * waits (up to SHUTDOWN_GRACE_MS) for it to go: two must never write one
 * result. Its lock (worker_lock.h) names it, even when the server died
 * between claiming the job and recording its worker, and whatever pid
 * numbers were reused since. */
static void stop_leftover_workers(pv_scheduler *s, const pv_job *job)
{
    const char *state = s->server->config->state_dir;
    pid_t pid = pv_worker_lock_holder(state, job->id);

    if (pid > 0) {
        pv_log(PIVOT_LOG_WARNING, "pivotd", "job %s: stopping leftover worker %d", job->id,
               (int)pid);
        kill(pid, SIGKILL);
        wait_gone(pid);
    }
    pv_worker_lock_remove(state, job->id);
}

static int recover_one(void *arg, const pv_job *job)
{
    pv_scheduler *s = arg;
    int max = s->server->config->max_attempts;

    stop_leftover_workers(s, job);
    remove_job_partials(s, job->id, job->attempts);
    switch (pv_jobstore_requeue(s->jobs, job->id, max,
                                "the server stopped while the job was running, %d times "
                                "(jobs.max_attempts); giving up",
                                pv_time_now_ms())) {
    case 0:
        pv_log(PIVOT_LOG_WARNING, "pivotd",
               "job %s: its worker was lost (the server stopped or crashed); queued again "
               "(attempt %d of %d done)",
               job->id, job->attempts, max);
        break;
    case 1:
        pv_server_job_ended(s->server, job->id);
        pv_log(PIVOT_LOG_WARNING, "pivotd",
               "job %s: the server stopped while the job was running, %d times "
               "(jobs.max_attempts); giving up",
               job->id, job->attempts);
        break;
    default:
        break;
    }
    return 0;
}

/* Removes *.part files: no worker of this server is writing yet. */
static void remove_partial_files(pv_scheduler *s)
{
    DIR *d = opendir(s->server->results_dir);
    struct dirent *e;
    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".part") == 0) {
            char path[PATH_MAX + 256];
            snprintf(path, sizeof(path), "%s/%s", s->server->results_dir, e->d_name);
            if (unlink(path) == 0)
                pv_log(PIVOT_LOG_INFO, "pivotd", "removed partial result %s", path);
        }
    }
    closedir(d);
}

static int recover_if_orphan(void *arg, const pv_job *job)
{
    pv_scheduler *s = arg;
    for (int i = 0; i < s->nworkers; i++) {
        if (strcmp(s->workers[i].job_id, job->id) == 0)
            return 0;
    }
    /* Only this scheduler starts workers, and it records each one in the
     * same step that claims its job: a processing job it does not know has
     * lost its worker (a race with a previous server's dying workers). */
    return recover_one(s, job);
}

/* Sleeps until a wake-up, a worker's exit or this round's deadline. */
static void wait_for_event(pv_scheduler *s)
{
    struct pollfd pfd[MAX_WORKERS + 3];
    int n = 0;
    int64_t wait_ms = s->due_ms - pv_time_monotonic_ms();
    int store_fd = pv_jobstore_wake_fd(s->jobs);

    /* 0: wake-ups, 1: workers' progress, 2: the shared store, then workers. */
    pfd[n++] = (struct pollfd){s->wake_fd, POLLIN, 0};
    pfd[n++] = (struct pollfd){s->progress.read_fd, POLLIN, 0};
    /* Another node's submission or cancel, through the shared store. */
    pfd[n++] = (struct pollfd){store_fd, POLLIN, 0};
    for (int i = 0; i < s->nworkers; i++) {
        if (s->workers[i].pidfd >= 0)
            pfd[n++] = (struct pollfd){s->workers[i].pidfd, POLLIN, 0};
        else if (wait_ms > NO_PIDFD_TICK_MS)
            wait_ms = NO_PIDFD_TICK_MS;
    }
    if (wait_ms < 0)
        wait_ms = 0;
    /* poll passes over a negative fd (no shared store). */
    if (poll(pfd, (nfds_t)n, (int)(wait_ms > INT_MAX ? INT_MAX : wait_ms)) <= 0)
        return;
    if (pfd[0].revents & POLLIN) {
        char drain[64];
        while (read(s->wake_fd, drain, sizeof(drain)) > 0)
            ;
    }
    if (pfd[1].revents & POLLIN)
        pv_progress_pipe_drain(&s->progress, s->server);
    if (store_fd >= 0 && pfd[2].revents != 0)
        pv_jobstore_drain_wakeups(s->jobs);
}

static int remove_taken_partials(void *arg, const pv_job *job)
{
    pv_scheduler *s = arg;
    remove_job_partials(s, job->id, job->attempts);
    pv_log(PIVOT_LOG_WARNING, "pivotd",
           "job %s: its node stopped beating for %lld s (jobs.heartbeat_timeout); taken back: %s",
           job->id, (long long)s->server->config->heartbeat_timeout_s,
           pv_job_status_name(job->status));
    if (job->status != PV_JOB_QUEUED)
        pv_server_job_ended(s->server, job->id);
    return 0;
}

/* In a cluster: this node's heartbeat, and the jobs of dead nodes taken
 * back; a store out of reach makes the node degraded until it answers. */
static void beat(pv_scheduler *s)
{
    int64_t now = pv_time_monotonic_ms();
    int64_t every = s->server->config->heartbeat_timeout_s * 1000 / 4;

    if (!pv_jobstore_is_shared(s->jobs))
        return;
    if (every > NODE_BEAT_MAX_MS)
        every = NODE_BEAT_MAX_MS;
    if (s->last_beat_ms != 0 && now - s->last_beat_ms < every && !s->server->store_degraded) {
        due_at(s, s->last_beat_ms + every);
        return;
    }
    s->last_beat_ms = now;
    if (pv_jobstore_node_beat(s->jobs, pv_time_now_ms(), s->server->config->max_attempts,
                              remove_taken_partials, s) != 0) {
        if (!s->server->store_degraded)
            pv_log(PIVOT_LOG_ERROR, "pivotd", "job store unreachable: %s",
                   pv_jobstore_errmsg(s->jobs));
        s->server->store_degraded = 1;
        due_at(s, now + STORE_RETRY_MS);
        return;
    }
    if (s->server->store_degraded)
        pv_log(PIVOT_LOG_INFO, "pivotd", "job store reachable again");
    s->server->store_degraded = 0;
    /* A reconnected store listens again: wake-ups lost meanwhile are made
     * up by one look at the queue now. */
    due_at(s, now + every);
}

static void *scheduler_main(void *arg)
{
    pv_scheduler *s = arg;

    while (!s->server->stopping) {
        s->due_ms = pv_time_monotonic_ms() + SWEEP_INTERVAL_MS;
        beat(s);
        reap_workers(s);
        police_workers(s);
        pv_jobstore_each_running(s->jobs, recover_if_orphan, s);
        start_jobs(s);
        sweep_expired(s);
        wait_for_event(s);
    }
    return NULL;
}

/* In a shared store, makes the scheduler's connection act as this node. */
static int join_cluster(pv_scheduler *s, char *err, size_t errlen)
{
    const pv_config *cfg = s->server->config;
    char name[512];
    pv_cluster_node node = {name, cfg->max_concurrent_jobs, cfg->node_max_concurrent,
                            cfg->heartbeat_timeout_s * 1000, 0};

    if (!pv_jobstore_is_shared(s->jobs))
        return 0;
    if (pv_state_node_name(cfg, name, sizeof(name)) != 0) {
        snprintf(err, errlen, "node_name: the node's name is too long");
        return PIVOT_ERANGE;
    }
    if (pv_jobstore_join(s->jobs, &node) != 0 || pv_jobstore_listen(s->jobs) != 0) {
        snprintf(err, errlen, "job store: %s", pv_jobstore_errmsg(s->jobs));
        return PIVOT_EIO;
    }
    pv_log(PIVOT_LOG_INFO, "pivotd", "node %s joined the shared job store", name);
    return 0;
}

int pv_scheduler_start(pv_server *srv, const char *const *worker_args, int wake_read_fd,
                       pv_scheduler **out, char *err, size_t errlen)
{
    pv_scheduler *s = calloc(1, sizeof(*s));
    int rc = PIVOT_EIO;
    ssize_t n;

    if (s == NULL)
        return PIVOT_ENOMEM;
    s->server = srv;
    s->worker_args = worker_args;
    s->wake_fd = wake_read_fd;
    /* Without it, waiters hear of starts and ends only: no reason to refuse to run. */
    if (pv_progress_pipe_open(&s->progress) != 0)
        pv_log(PIVOT_LOG_WARNING, "pivotd", "no pipe for workers' progress: %s", strerror(errno));
    n = readlink("/proc/self/exe", s->exe, sizeof(s->exe) - 1);
    if (n <= 0) {
        snprintf(err, errlen, "cannot find the pivotd executable: %s", strerror(errno));
        goto out;
    }
    s->exe[n] = '\0';
    rc = pv_jobstore_open(srv->job_store_path, &s->jobs, err, errlen);
    if (rc != 0)
        goto out;
    rc = join_cluster(s, err, errlen);
    if (rc != 0)
        goto out;
    /* No worker of ours runs yet: whatever is processing was left by a
     * previous server that crashed or was killed. */
    pv_jobstore_each_running(s->jobs, recover_one, s);
    /* A shared results folder holds other nodes' partial files too; this
     * node's own were removed with each job recovered above. */
    if (!pv_jobstore_is_shared(s->jobs))
        remove_partial_files(s);
    beat(s);
    /* The first retention sweep, before the server listens: whoever looks
     * at results/ once it answers sees what the sweep left. */
    sweep_expired(s);
    if (pthread_create(&s->thread, NULL, scheduler_main, s) != 0) {
        snprintf(err, errlen, "cannot start the scheduler thread");
        rc = PIVOT_EIO;
        goto out;
    }
    s->started = 1;
    *out = s;
    s = NULL;
    rc = 0;
out:
    if (s != NULL) {
        pv_jobstore_close(s->jobs);
        pv_progress_pipe_close(&s->progress);
        free(s);
    }
    return rc;
}

void pv_scheduler_stop(pv_scheduler *s)
{
    int64_t deadline;

    if (s == NULL)
        return;
    /* The thread sleeps until told: srv->stopping is set already. */
    pv_server_wake_scheduler(s->server);
    if (s->started)
        pthread_join(s->thread, NULL);
    /* SIGTERM without a cancel request tells a worker to give the job back
     * to the queue; the next server start runs it again. */
    for (int i = 0; i < s->nworkers; i++)
        kill(s->workers[i].pid, SIGTERM);
    deadline = pv_time_monotonic_ms() + SHUTDOWN_GRACE_MS;
    s->due_ms = deadline;
    while (s->nworkers > 0 && pv_time_monotonic_ms() < deadline) {
        reap_workers(s);
        if (s->nworkers > 0)
            wait_for_event(s);
    }
    for (int i = 0; i < s->nworkers; i++) {
        kill(s->workers[i].pid, SIGKILL);
        waitpid(s->workers[i].pid, NULL, 0);
        pv_worker_lock_remove(s->server->config->state_dir, s->workers[i].job_id);
        pv_jobstore_requeue(s->jobs, s->workers[i].job_id, s->server->config->max_attempts,
                            PV_JOB_INTERRUPTED_TOO_OFTEN, pv_time_now_ms());
    }
    pv_jobstore_close(s->jobs);
    pv_progress_pipe_close(&s->progress);
    free(s);
}
