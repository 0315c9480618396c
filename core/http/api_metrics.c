/*
 * GET /metrics: the Prometheus text format, for the addresses in
 * metrics.allow only (the router answers others 404, as for any unknown
 * path), with no key. The counters are memory (metrics.h); the gauges come
 * from the job store, so the answer is built on a blocking-work thread.
 */
#include "api.h"

#include "http_metrics.h"
#include "http_reply.h"
#include "store_metrics.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* Resident memory of a process in bytes, from /proc/<pid>/statm; -1 when it is gone. */
static long long rss_of(long long pid)
{
    char path[64];
    long long pages_total, pages_resident = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%lld/statm", pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    if (fscanf(f, "%lld %lld", &pages_total, &pages_resident) != 2)
        pages_resident = -1;
    fclose(f);
    return pages_resident < 0 ? -1 : pages_resident * sysconf(_SC_PAGESIZE);
}

/* The parent of a process, from /proc/<pid>/stat; -1 when it is gone. */
static long long parent_of(long long pid)
{
    char path[64], line[1024];
    const char *after_name;
    long long ppid = -1;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%lld/stat", pid);
    if ((f = fopen(path, "r")) == NULL)
        return -1;
    /* "pid (comm) state ppid ...": the name may hold spaces and parentheses. */
    if (fgets(line, sizeof(line), f) != NULL && (after_name = strrchr(line, ')')) != NULL &&
        sscanf(after_name + 1, " %*c %lld", &ppid) != 1)
        ppid = -1;
    fclose(f);
    return ppid;
}

typedef struct worker_memory {
    long long workers, total, largest;
} worker_memory;

static int add_worker(void *arg, const pv_job *job)
{
    worker_memory *wm = arg;
    /* This server's workers only: in a cluster the store lists every node's
     * running jobs, whose pids mean nothing (or another process) here. */
    long long rss = job->worker_pid > 0 && parent_of(job->worker_pid) == (long long)getpid()
                        ? rss_of(job->worker_pid)
                        : -1;
    if (rss >= 0) {
        wm->workers++;
        wm->total += rss;
        if (rss > wm->largest)
            wm->largest = rss;
    }
    return 0;
}

static void write_memory(FILE *out, const worker_memory *wm)
{
    fprintf(out,
            "# HELP pivot_server_resident_memory_bytes Resident memory of the pivotd server "
            "process.\n"
            "# TYPE pivot_server_resident_memory_bytes gauge\n"
            "pivot_server_resident_memory_bytes %lld\n"
            "# HELP pivot_workers Worker processes running a job.\n"
            "# TYPE pivot_workers gauge\n"
            "pivot_workers %lld\n"
            "# HELP pivot_worker_resident_memory_bytes Resident memory of the worker "
            "processes, summed and the largest one.\n"
            "# TYPE pivot_worker_resident_memory_bytes gauge\n"
            "pivot_worker_resident_memory_bytes{worker=\"sum\"} %lld\n"
            "pivot_worker_resident_memory_bytes{worker=\"largest\"} %lld\n",
            rss_of((long long)getpid()), wm->workers, wm->total, wm->largest);
}

static void metrics_work(pv_blocking_task *task, pv_api_env *env)
{
    h2o_req_t *req = task->req;
    worker_memory wm = {0, 0, 0};
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    int rc;

    if (out == NULL) {
        pv_reply_error(req, 500, "internal-error", "Internal error",
                       "out of memory while writing the metrics");
        return;
    }
    rc = pv_store_metrics_write(env->jobs, pv_time_now_ms(), pv_http_metrics_max_users(), out);
    if (rc == 0)
        rc = pv_jobstore_each_running(env->jobs, add_worker, &wm);
    if (rc == 0) {
        write_memory(out, &wm);
        pv_metrics_write(out);
    }
    fclose(out);
    if (rc == 0)
        pv_reply_body(req, 200, CONTENT_TYPE, text, len);
    else
        pv_reply_error(req, 503, "store-busy", "The job store is busy",
                       "the job store could not be read for the metrics; retry shortly");
    free(text);
}

int pv_api_metrics(pv_http_thread *t, h2o_req_t *req)
{
    pv_blocking_post(t->pool, PV_LANE_QUICK,
                     pv_blocking_task_new(req, &t->returned, metrics_work, NULL));
    return 0;
}
