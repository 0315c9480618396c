#include "worker.h"

#include "client_text.h"
#include "format_options.h"
#include "host.h"
#include "job_spec.h"
#include "jobstore.h"
#include "json_out.h"
#include "log.h"
#include "pipeline.h"
#include "plugin_loader.h"
#include "plugin_set.h"
#include "progress_pipe.h"
#include "registry.h"
#include "result_detail.h"
#include "state_dir.h"
#include "state_lock.h"
#include "timeutil.h"
#include "worker_lock.h"
#include "worker_preview.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_ORIGIN "worker"
/* How often progress (and with it the heartbeat) reaches the job row. */
#define PROGRESS_INTERVAL_MS 250

/* Set by SIGTERM; the pipeline polls it on every batch. */
static volatile sig_atomic_t cancel_signal;

static void on_sigterm(int sig)
{
    (void)sig;
    cancel_signal = 1;
}

/* Set by SIGXFSZ: a write went past jobs.max_output_bytes. Caught rather
 * than left to its default (a core dump), so the write fails with EFBIG
 * and the job fails with a message saying why. */
static volatile sig_atomic_t output_limit_hit;

static void on_sigxfsz(int sig)
{
    (void)sig;
    output_limit_hit = 1;
}

/* Feeds progress to the job row and turns cancel requests into a stop. */
typedef struct progress_state {
    pv_jobstore *js;
    const char *job_id;
    int64_t next_write_ms;
    int store_cancel; /* the store reported a DELETE while processing */
    int write_failed; /* a progress write failed (logged once) */
    int told_percent; /* the whole percent last noted on the progress pipe; -1: none */
} progress_state;

/* The progress pipe's write end (pivotd worker --notify-fd), or -1. */
static int notify_fd = -1;

void pv_worker_set_notify_fd(int fd)
{
    notify_fd = fd;
}

/* Everything one run holds, so that cleanup is one function. */
typedef struct worker {
    const pv_config *cfg;
    const char *plugin_set; /* the server's record of its plugins, or NULL: the directory's */
    const pivot_host *host;
    pv_jobstore *js;
    pv_job job;
    pv_registry *reg;
    pv_job_spec spec;
    const pivot_source *source;
    void *source_ctx;
    const pivot_exporter *exporter;
    void *exp;
    char part_path[PATH_MAX];
    char final_path[PATH_MAX];
    int part_exists;           /* part_path may exist and must go if the job does not complete */
    pv_worker_preview preview; /* the quick look, written beside the result */
    pv_pipeline_result result;
    pv_json_channel_detail *details; /* one per spec channel, filled as channels finish */
    int64_t file_size;
    char err[1024];
} worker;

/* Sets the reason the job failed, as the job's error message will show it. */
static void worker_errf(worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void worker_errf(worker *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->err, sizeof(w->err), fmt, ap);
    va_end(ap);
}

static int on_progress(void *arg, double percent)
{
    progress_state *ps = arg;

    if (cancel_signal)
        return 1;
    int64_t now = pv_time_monotonic_ms();
    if (now < ps->next_write_ms)
        return 0;
    ps->next_write_ms = now + PROGRESS_INTERVAL_MS;
    /* The job store's files are under jobs.max_output_bytes as well; one of
     * them hitting it fails this write only (SQLite rolls it back), it says
     * nothing about the result. Appends run on this same thread, so the
     * flag is exact. */
    sig_atomic_t limit_hit = output_limit_hit;
    int rc = pv_jobstore_progress(ps->js, ps->job_id, percent, pv_time_now_ms());
    output_limit_hit = limit_hit;
    if (rc == 1) {
        ps->store_cancel = 1;
        return 1;
    }
    /* The API shows whole percents: only a new one is worth waking waiters. */
    if (rc == 0 && (int)percent != ps->told_percent) {
        ps->told_percent = (int)percent;
        pv_progress_notify(notify_fd, ps->job_id);
    }
    /* A missed progress write only makes the status stale: keep exporting. */
    if (rc < 0 && !ps->write_failed) {
        ps->write_failed = 1;
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN, "job %s: writing progress failed: %s", ps->job_id,
               pv_jobstore_errmsg(ps->js));
    }
    return 0;
}

/* Seconds a worker keeps trying to record its result in a shared store
 * that went away (a PostgreSQL restart): the export is done, and redoing
 * it costs more than waiting for the server. */
#define COMPLETE_RETRY_S 30

static int complete_job(worker *w, int64_t now)
{
    int rc = pv_jobstore_complete(w->js, &w->job, now);

    int retried = 0;

    for (int i = 0; rc == PIVOT_EIO && pv_jobstore_is_shared(w->js) && i < COMPLETE_RETRY_S; i++) {
        sleep(1);
        rc = pv_jobstore_complete(w->js, &w->job, now);
        retried = 1;
    }
    /* The connection may have broken after the server committed: then the
     * job is completed with this very file already. */
    if (rc == PIVOT_ENOENT && retried) {
        pv_job stored;
        if (pv_jobstore_get(w->js, w->job.id, NULL, &stored) == 0 &&
            stored.status == PV_JOB_COMPLETED && stored.file_name != NULL &&
            strcmp(stored.file_name, w->job.file_name) == 0)
            rc = 0;
        pv_job_clear(&stored);
    }
    return rc;
}

static int fsync_path(const char *path, int flags)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc;
}

/* Creates the results directory (results_dir, or <state_dir>/results) and derives the .part and
 * final paths, made absolute so the server finds the file whatever its working directory. */
static int prepare_paths(worker *w)
{
    char dir[PATH_MAX], real[PATH_MAX];
    pivot_export_info info;
    int n;

    n = w->cfg->results_dir != NULL ? snprintf(dir, sizeof(dir), "%s", w->cfg->results_dir)
                                    : snprintf(dir, sizeof(dir), "%s/results", w->cfg->state_dir);
    if (n < 0 || (size_t)n >= sizeof(dir)) {
        worker_errf(w, "the state directory's path is too long");
        return PIVOT_ERANGE;
    }
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "creating %s failed: %s", dir, strerror(errno));
        worker_errf(w, "creating the results directory failed: %s", strerror(errno));
        return PIVOT_EIO;
    }
    if (realpath(dir, real) == NULL) {
        pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "resolving %s failed: %s", dir, strerror(errno));
        worker_errf(w, "resolving the results directory failed: %s", strerror(errno));
        return PIVOT_EIO;
    }
    pv_job_spec_export_info(&w->spec, &info);
    /* In a shared store the final name carries the attempt as well: a worker
     * of a node taken for dead that renames its file in the moment after its
     * last ownership check makes a file no job refers to (swept as an
     * orphan), instead of replacing the result of the attempt that took its
     * job over. The job records whichever name its attempt wrote. */
    if (pv_jobstore_is_shared(w->js))
        n = snprintf(w->final_path, sizeof(w->final_path), "%s/%s.%d%s", real, w->job.id,
                     w->job.attempts, pv_export_file_type(w->exporter, &info).extension);
    else
        n = snprintf(w->final_path, sizeof(w->final_path), "%s/%s%s", real, w->job.id,
                     pv_export_file_type(w->exporter, &info).extension);
    if (n < 0 || (size_t)n >= sizeof(w->final_path) ||
        /* Named by the attempt too: in a shared results folder, a worker of
         * a node taken for dead must never write, rename or remove the
         * partial file of the attempt that took its job over. */
        snprintf(w->part_path, sizeof(w->part_path), "%s.%d.part", w->final_path,
                 w->job.attempts) >= (int)sizeof(w->part_path)) {
        worker_errf(w, "the result file's path is too long");
        return PIVOT_ERANGE;
    }
    return 0;
}

/* Makes the finished file's data durable, before it gets its final name. */
static int sync_file(worker *w)
{
    char label[32];

    if (fsync_path(w->part_path, 0) != 0) {
        pv_pipeline_format_label(w->exporter, label, sizeof(label));
        worker_errf(w, "writing the %s file failed: fsync: %s", label, strerror(errno));
        return PIVOT_EIO;
    }
    return 0;
}

/* Gives the synced file its final name, durably. */
static int publish_file(worker *w)
{
    char label[32];
    struct stat st;
    char *slash;

    pv_pipeline_format_label(w->exporter, label, sizeof(label));
    if (rename(w->part_path, w->final_path) != 0) {
        worker_errf(w, "moving the %s file into place failed: %s", label, strerror(errno));
        return PIVOT_EIO;
    }
    w->part_exists = 0;
    if (stat(w->final_path, &st) != 0) {
        worker_errf(w, "reading the size of the result file failed: %s", strerror(errno));
        unlink(w->final_path);
        return PIVOT_EIO;
    }
    w->file_size = (int64_t)st.st_size;
    /* The rename is only durable once the directory is. */
    slash = strrchr(w->final_path, '/');
    *slash = '\0';
    int rc = fsync_path(w->final_path, O_DIRECTORY);
    *slash = '/';
    if (rc != 0) {
        worker_errf(w, "writing the results directory failed: fsync: %s", strerror(errno));
        unlink(w->final_path);
        return PIVOT_EIO;
    }
    return 0;
}

static int open_providers(worker *w)
{
    char msg[PIVOT_ERRMSG_SIZE] = "";
    char label[32];
    int rc;

    w->source = pv_registry_source(w->reg, w->spec.source);
    if (w->source == NULL) {
        worker_errf(w, "no plugin provides the data source \"%s\"", w->spec.source);
        return PIVOT_ENOENT;
    }
    w->exporter = pv_registry_exporter(w->reg, w->spec.format);
    if (w->exporter == NULL) {
        worker_errf(w, "no plugin provides the format \"%s\"", w->spec.format);
        return PIVOT_ENOENT;
    }
    rc = prepare_paths(w);
    if (rc != 0)
        return rc;
    rc = w->source->open(w->cfg->data_dir, &w->source_ctx, msg, sizeof(msg));
    if (rc != 0) {
        worker_errf(w, "opening the data source \"%s\" failed: %s", w->spec.source, msg);
        w->source_ctx = NULL;
        return rc < 0 ? rc : PIVOT_EIO;
    }

    pivot_export_info info;
    pv_job_spec_export_info(&w->spec, &info);
    info.job_id = w->job.id;
    info.request_json = w->job.request;
    info.owner = w->job.owner;
    /* A killed earlier attempt may have left its partial file behind. */
    unlink(w->part_path);
    w->part_exists = 1;
    msg[0] = '\0';
    rc = w->exporter->open(w->part_path, &info, &w->exp, msg, sizeof(msg));
    if (rc != 0) {
        pv_pipeline_format_label(w->exporter, label, sizeof(label));
        worker_errf(w, "creating the %s file failed: %s", label, msg);
        w->exp = NULL;
        return rc < 0 ? rc : PIVOT_EIO;
    }
    return 0;
}

static void on_channel_done(void *arg, size_t index, const pivot_channel_summary *summary)
{
    worker *w = arg;
    pv_json_channel_detail *d = &w->details[index];

    d->samples = summary->samples;
    if (summary->samples > 0) {
        d->first_ns = summary->actual.start_ns;
        d->last_ns = summary->actual.end_ns - 1;
    }
}

/* Decoder threads of the pipeline: one per core (the writer mostly waits on
 * them), or PIVOT_EXPORT_DECODERS for measurements; 0 runs single-threaded. */
static unsigned decoder_threads(void)
{
    const char *env = getenv("PIVOT_EXPORT_DECODERS");
    long n = env != NULL && env[0] != '\0' ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

    if (n < 0)
        n = 1;
    return n > 8 ? 8 : (unsigned)n;
}

/* Caps the size of every file this process writes while it exports (the
 * result, but also the job store's files, whose progress writes then only
 * log a warning). Only the soft limit is lowered, so that
 * output_limit_lift() can raise it again for recording the outcome.
 * Plugins are loaded first: loading writes nothing, and nothing they set
 * up should see the limit as a reason to fail. */
static int output_limit_set(worker *w, struct rlimit *saved)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_FSIZE, saved) != 0) {
        worker_errf(w, "reading the file size limit failed: %s", strerror(errno));
        return PIVOT_EIO;
    }
    if (w->cfg->max_output_bytes == 0)
        return 0;
    rl = *saved;
    if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (rlim_t)w->cfg->max_output_bytes)
        rl.rlim_cur = (rlim_t)w->cfg->max_output_bytes;
    if (setrlimit(RLIMIT_FSIZE, &rl) != 0) {
        worker_errf(w, "setting the file size limit failed: %s", strerror(errno));
        return PIVOT_EIO;
    }
    return 0;
}

static void output_limit_lift(const struct rlimit *saved)
{
    if (setrlimit(RLIMIT_FSIZE, saved) != 0)
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN, "restoring the file size limit failed: %s",
               strerror(errno));
}

/* Runs the export. Returns 0 with the file in place, PIVOT_ECANCELED, or
 * another code with the reason in w->err. */
static int export_job(worker *w)
{
    progress_state ps = {.js = w->js, .job_id = w->job.id, .told_percent = -1};
    char msg[PIVOT_ERRMSG_SIZE] = "";
    char label[32];
    struct rlimit saved_limit;
    int limited = 0;
    int rc;

    /* The server's own set when it named one: a worker never runs other plugins than its server. */
    char load_msg[1024] = "";
    if (w->plugin_set != NULL)
        rc = pv_plugin_set_load(w->reg, w->host, w->plugin_set, load_msg, sizeof(load_msg));
    else
        rc = pv_host_load_plugins(w->reg, w->cfg, load_msg, sizeof(load_msg));
    if (rc != 0) {
        worker_errf(w, "loading the plugins failed: %s", load_msg);
        return rc;
    }
    rc = output_limit_set(w, &saved_limit);
    if (rc != 0)
        return rc;
    limited = 1;
    rc = pv_job_spec_parse(w->job.spec, &w->spec, w->err, sizeof(w->err));
    if (rc != 0)
        goto out;
    rc = open_providers(w);
    if (rc != 0)
        goto out;
    w->details = calloc(w->spec.nchannels, sizeof(*w->details));
    if (w->details == NULL) {
        worker_errf(w, "out of memory preparing the export");
        rc = PIVOT_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < w->spec.nchannels; i++)
        w->details[i].name = w->spec.channels[i].name;

    pv_pipeline p = {
        .source = w->source,
        .source_ctx = w->source_ctx,
        .exporter = w->exporter,
        .exp = w->exp,
        .range = w->spec.range,
        .channels = w->spec.channels,
        .nchannels = w->spec.nchannels,
        .progress = on_progress,
        .progress_arg = &ps,
        .decoders = decoder_threads(),
        .source_location = w->cfg->data_dir,
        .channel_done = on_channel_done,
        .channel_done_arg = w,
        .decimation = w->spec.decimation,
    };
    pv_worker_preview_start(&w->preview, w->job.id, w->final_path, w->job.attempts, w->spec.range,
                            w->cfg->max_output_bytes);
    p.preview = w->preview.pv;
    rc = pv_pipeline_run(&p, &w->result, w->err, sizeof(w->err));
    if (rc != 0)
        goto out;
    /* A cancel that arrived after the last progress write still counts. */
    ps.next_write_ms = 0;
    if (on_progress(&ps, w->result.percent) != 0) {
        rc = PIVOT_ECANCELED;
        goto out;
    }
    msg[0] = '\0';
    rc = w->exporter->close(w->exp, &w->result.summary, msg, sizeof(msg));
    w->exp = NULL;
    /* An exporter that did not notice its failed write must not publish. */
    if (rc == 0 && output_limit_hit)
        rc = PIVOT_ERANGE;
    if (rc != 0) {
        pv_pipeline_format_label(w->exporter, label, sizeof(label));
        worker_errf(w, "writing the %s file failed: %s", label, msg);
        rc = rc < 0 ? rc : PIVOT_EIO;
        goto out;
    }
    rc = sync_file(w);
    if (rc != 0)
        goto out;
    /* In a shared store the job may have been taken over while the file was
     * closed and synced: the result of the attempt that took it must not be
     * replaced. One more owned write checks, just before the rename. */
    if (pv_jobstore_is_shared(w->js)) {
        ps.next_write_ms = 0;
        if (on_progress(&ps, w->result.percent) != 0) {
            rc = PIVOT_ECANCELED;
            goto out;
        }
    }
    rc = publish_file(w);
    if (rc == 0)
        pv_worker_preview_publish(&w->preview, w->job.id);
out:
    /* Whatever the exporter made of its EFBIG, the limit is the reason. */
    if (output_limit_hit && rc != 0 && rc != PIVOT_ECANCELED) {
        worker_errf(w, "the result exceeded jobs.max_output_bytes (%zu bytes)",
                    w->cfg->max_output_bytes);
        rc = PIVOT_ERANGE;
    }
    /* Closing what is left and recording the outcome are not bound by it. */
    if (limited)
        output_limit_lift(&saved_limit);
    if (rc == PIVOT_ECANCELED)
        pv_log(PIVOT_LOG_INFO, LOG_ORIGIN, "job %s: cancelled by %s", w->job.id,
               ps.store_cancel ? "the job store (a user's cancel, or the job was taken over)"
                               : "SIGTERM");
    return rc;
}

/* Drops what is left of an export that did not complete. */
static void abandon_file(worker *w)
{
    char msg[PIVOT_ERRMSG_SIZE];

    if (w->exp != NULL) {
        w->exporter->close(w->exp, NULL, msg, sizeof(msg));
        w->exp = NULL;
    }
    if (w->part_exists) {
        unlink(w->part_path);
        w->part_exists = 0;
    }
    pv_worker_preview_abandon(&w->preview);
}

/* True when the job store holds a user's cancel request for this job. */
static int cancel_requested(worker *w)
{
    pv_job now;
    int requested = 0;
    if (pv_jobstore_get(w->js, w->job.id, NULL, &now) == 0) {
        requested = now.cancel_requested;
        pv_job_clear(&now);
    }
    return requested;
}

/* In a shared store: true when the job is no longer this worker's to end,
 * because its node was taken for dead and the job given back to the queue,
 * or to a later attempt, meanwhile. */
static int taken_over(worker *w)
{
    pv_job now;
    int taken = 0;

    if (!pv_jobstore_is_shared(w->js))
        return 0;
    if (pv_jobstore_get(w->js, w->job.id, NULL, &now) == 0) {
        taken = now.status != PV_JOB_PROCESSING || now.attempts != w->job.attempts;
        pv_job_clear(&now);
    }
    if (taken)
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN,
               "job %s: attempt %d is no longer this node's (it was taken for dead and the job "
               "taken back); leaving the job, and the results folder, to the attempt that took "
               "it over",
               w->job.id, w->job.attempts);
    return taken;
}

/* Writes the final state. Returns 0 when it is in the job store. */
static int record_outcome(worker *w, int rc)
{
    char msg[1100];
    int64_t now = pv_time_now_ms();

    if (rc == 0) {
        /* Recorded relative to the results directory: the state directory
         * may be moved or restored elsewhere. */
        free(w->job.file_name);
        w->job.file_name = strdup(strrchr(w->final_path, '/') + 1);
        w->job.file_size = w->file_size;
        w->job.channels_exported = w->result.summary.channels;
        w->job.samples = (int64_t)w->result.summary.samples;
        w->job.actual_start_ns = w->result.summary.actual.start_ns;
        w->job.actual_end_ns = w->result.summary.actual.end_ns;
        for (size_t i = 0; i < w->spec.nchannels; i++) {
            pv_json_channel_detail *d = &w->details[i];
            pv_coverage_of(w->source, w->source_ctx, d->name, w->spec.range, &d->coverage);
            /* The span is the source's ends; a channel whose range fell in a
             * gap of its data wrote nothing, whatever the ends say. */
            if (d->samples == 0 && d->coverage.kind != PV_COVERAGE_UNKNOWN)
                d->coverage.kind = PV_COVERAGE_NONE;
        }
        free(w->job.result_detail);
        w->job.result_detail =
            pv_result_detail_build(w->cfg->data_dir, w->details, w->spec.nchannels, &w->result);
        if (w->job.file_name != NULL && complete_job(w, now) == 0) {
            pv_log(PIVOT_LOG_INFO, LOG_ORIGIN,
                   "job %s: completed: %u channels, %llu samples, %lld bytes, %zu warnings",
                   w->job.id, w->result.summary.channels,
                   (unsigned long long)w->result.summary.samples, (long long)w->file_size,
                   w->result.nwarnings);
            return 0;
        }
        /* Taken over: the file under the job's name may be the new
         * attempt's already, so it stays (an unrecorded one is removed by
         * the sweep of orphaned results once the job ends). */
        if (taken_over(w))
            return 0;
        /* Not recorded (a store error): the file belongs to no completed
         * job, so it must not stay. */
        pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "job %s: recording the result failed: %s", w->job.id,
               pv_jobstore_errmsg(w->js));
        unlink(w->final_path);
        if (w->preview.final[0] != '\0')
            unlink(w->preview.final);
        worker_errf(w, "recording the result in the job store failed");
        rc = PIVOT_EIO;
    }
    if (taken_over(w))
        return 0;
    /* Leave the row's progress where the export stopped, matching the message. */
    pv_jobstore_progress(w->js, w->job.id, w->result.percent, now);
    if (rc == PIVOT_ECANCELED && !cancel_requested(w)) {
        /* SIGTERM without a DELETE comes from a server shutting down (or
         * from outside): give the job back to the queue, the next start
         * runs it again, unless it has had all its attempts. */
        switch (pv_jobstore_requeue(w->js, w->job.id, w->cfg->max_attempts,
                                    PV_JOB_INTERRUPTED_TOO_OFTEN, now)) {
        case 0:
            pv_log(PIVOT_LOG_INFO, LOG_ORIGIN,
                   "job %s: interrupted by shutdown; queued again (attempt %d of %d done)",
                   w->job.id, w->job.attempts, w->cfg->max_attempts);
            return 0;
        case 1:
            pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN, "job %s: failed: " PV_JOB_INTERRUPTED_TOO_OFTEN,
                   w->job.id, w->job.attempts);
            return 0;
        default:
            break;
        }
    } else if (rc == PIVOT_ECANCELED) {
        snprintf(msg, sizeof(msg), "cancelled by the user while processing (at %d%%)",
                 (int)w->result.percent);
        if (pv_jobstore_finish(w->js, w->job.id, PV_JOB_CANCELLED, msg, now) == 0)
            return 0;
    } else {
        /* The log keeps the whole message; the job's error, which the
         * client reads, loses the server's paths and addresses. */
        pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "job %s: failed: %s", w->job.id, w->err);
        pv_client_text(w->err, msg, sizeof(msg));
        if (pv_jobstore_finish(w->js, w->job.id, PV_JOB_FAILED, msg, now) == 0)
            return 0;
    }
    pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "job %s: recording the final state failed: %s", w->job.id,
           pv_jobstore_errmsg(w->js));
    return -1;
}

static void prepare_process(void)
{
    struct sigaction sa;

    /* Exports are batch work: let the server's HTTP threads win the CPU. */
    errno = 0;
    if (nice(10) == -1 && errno != 0)
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN, "lowering the CPU priority failed: %s",
               strerror(errno));
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigterm;
    sigemptyset(&sa.sa_mask);
    /* Restart system calls: the flag is polled per batch, and libraries
     * in the middle of a write should not see EINTR. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = on_sigxfsz;
    sigaction(SIGXFSZ, &sa, NULL);
    /* If the server dies (even by SIGKILL), stop as on a shutdown: the job
     * goes back to the queue instead of running unsupervised. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1)
        cancel_signal = 1;
}

int pv_worker_run(const pv_config *cfg, const char *job_id, int attempt, const char *plugin_set)
{
    /* Static: the plugins it holds live as long as the process. */
    static pv_registry registry;
    worker w = {.cfg = cfg, .plugin_set = plugin_set, .reg = &registry};
    char path[PATH_MAX];
    int status = 1, lock_fd = -1;
    int rc;

    prepare_process();
    pv_log_set_job(job_id);
    /* First, so that a server starting after a crash knows this process
     * works on the job (it kills it) before the job is even read. */
    lock_fd = pv_worker_lock_take(cfg->state_dir, job_id, w.err, sizeof(w.err));
    if (lock_fd < 0) {
        pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "job %s: %s", job_id, w.err);
        goto out;
    }
    /* A server recovers jobs after it wrote its pid into the state lock, and
     * kills the workers whose lock it finds. A worker that took its lock
     * later, while its own server is gone, sees another pid there. */
    if (pv_state_lock_owner(cfg->state_dir) != (long)getppid()) {
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN,
               "job %s: the server that started this worker no longer runs; leaving the job "
               "to the current one",
               job_id);
        goto out;
    }
    w.host = pv_host_init(cfg);
    registry.loading = -1;
    if (pv_host_job_store_path(cfg, path, sizeof(path)) != 0) {
        pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "job %s: the state directory's path is too long",
               job_id);
        goto out;
    }
    if (pv_jobstore_open(path, &w.js, w.err, sizeof(w.err)) != 0) {
        pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "job %s: %s", job_id, w.err);
        goto out;
    }
    rc = pv_jobstore_get(w.js, job_id, NULL, &w.job);
    if (rc != 0) {
        pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "job %s: %s", job_id,
               rc == PIVOT_ENOENT ? "no such job" : pv_jobstore_errmsg(w.js));
        goto out;
    }
    if (w.job.status != PV_JOB_PROCESSING) {
        /* Someone else decided its fate (cancelled while queued, reaped...). */
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN, "job %s is %s, not processing: leaving it alone",
               job_id, pv_job_status_name(w.job.status));
        status = 0;
        goto out;
    }
    /* Between the claim and this read, the job may have gone back to the
     * queue and been claimed again: that later attempt is another worker's. */
    if (attempt > 0 && w.job.attempts != attempt) {
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN,
               "job %s: started for attempt %d, but the job is in attempt %d: leaving it to "
               "that attempt's worker",
               job_id, attempt, w.job.attempts);
        status = 0;
        goto out;
    }
    /* In a cluster, the worker writes only while its node owns the job in
     * the attempt it read: once another node (or a later attempt) has
     * taken it over, the worker is told to stop. */
    if (pv_jobstore_is_shared(w.js)) {
        char node_name[512];
        pv_cluster_node node = {node_name, cfg->max_concurrent_jobs, cfg->node_max_concurrent,
                                cfg->heartbeat_timeout_s * 1000, w.job.attempts};
        if (pv_state_node_name(cfg, node_name, sizeof(node_name)) != 0 ||
            pv_jobstore_join(w.js, &node) != 0) {
            pv_log(PIVOT_LOG_ERROR, LOG_ORIGIN, "job %s: the node's name is unusable", job_id);
            goto out;
        }
    }
    pv_log(PIVOT_LOG_INFO, LOG_ORIGIN, "job %s: starting (pid %ld)", job_id, (long)getpid());

    rc = export_job(&w);
    abandon_file(&w);
    status = record_outcome(&w, rc) == 0 ? 0 : 1;
out:
    if (w.source_ctx != NULL)
        w.source->close(w.source_ctx);
    pv_job_spec_free(&w.spec);
    free(w.details);
    pv_job_clear(&w.job);
    pv_jobstore_close(w.js);
    /* The registry stays: plugins are never unloaded, and the process ends here. */
    /* The outcome is recorded: the lock may go (the scheduler removes the file). */
    if (lock_fd >= 0)
        close(lock_fd);
    return status;
}
