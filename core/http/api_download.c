#include "api.h"

#include "auth_gate.h"
#include "download_range.h"
#include "http_reply.h"
#include "state_dir.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FILES_PREFIX "/api/v1/pivot/files/"

int pv_api_jobs_download(pv_api_env *env, h2o_req_t *req, const pivot_principal *who,
                         const char *id)
{
    pv_job job;
    char url[256];
    int rc = pv_jobstore_get(env->jobs, id, pv_api_owner_filter(who), &job);

    if (rc == PIVOT_ENOENT)
        return pv_api_job_not_found(req);
    if (rc != 0)
        return pv_api_store_error(req, env->jobs, "job store");
    if (job.status == PV_JOB_EXPIRED) {
        pv_job_clear(&job);
        return pv_reply_error(req, 410, "result-gone", "The result file is gone",
                              "the job's file was deleted when its retention period ended; "
                              "submit the job again");
    }
    if (job.status != PV_JOB_COMPLETED || job.file_name == NULL) {
        int running = job.status == PV_JOB_QUEUED || job.status == PV_JOB_PROCESSING;
        if (running)
            pv_reply_header(req, "retry-after", "1");
        rc = pv_reply_error(req, 409, "job-not-finished", "The job has no result to download",
                            "the job is %s; %s", pv_job_status_name(job.status),
                            running ? "poll GET /api/v1/pivot/jobs/{job_id} until its status "
                                      "is completed, then download"
                                    : "it produced no file; see its error and submit it again");
        pv_job_clear(&job);
        return rc;
    }
    /* The file handler behind the guard serves Range, If-None-Match and
     * HEAD, once the guard has put those headers in a safe form. */
    int n = snprintf(url, sizeof(url), FILES_PREFIX "%s", job.file_name);
    pv_job_clear(&job);
    pv_reply_redirect(req, url, (size_t)n);
    return 0;
}

/* What the guard found, for the loop thread to act on. */
typedef struct guard_check {
    h2o_handler_t *self;
    char file[PATH_MAX]; /**< the result file, when the caller may have it */
} guard_check;

/* On the loop thread: the file handler behind the guard serves Range,
 * If-None-Match and HEAD, once the guard has put those headers in a safe
 * form. The validators come from h2o's file cache, which belongs to the
 * loop, as the file handler itself does. */
static void guard_resume(pv_blocking_task *task)
{
    guard_check *g = task->arg;
    h2o_req_t *req = task->req;

    if (task->plan.kind != PV_REPLY_NONE) {
        pv_reply_flush(req, &task->plan);
        return;
    }
    if (pv_download_prepare(req, g->file) != 0)
        return; /* answered: no range lies in the file */
    h2o_delegate_request(req, g->self);
}

/* On a quick-lane thread: whose key, whose job, whether the file is there. */
static void guard_check_work(pv_blocking_task *task, pv_api_env *env)
{
    guard_check *g = task->arg;
    h2o_req_t *req = task->req;
    const char *path = req->path_normalized.base;
    size_t len = req->path_normalized.len, prefix = sizeof(FILES_PREFIX) - 1;
    char name[128], id[PV_JOB_ID_SIZE], disposition[200];
    pivot_principal who;
    pv_job job = {0};
    const char *dot;

    task->resume = guard_resume;
    if (pv_auth_gate(env->server, req, &who) != 0)
        return;
    if (len <= prefix || len - prefix >= sizeof(name) || memcmp(path, FILES_PREFIX, prefix) != 0)
        goto not_found;
    snprintf(name, sizeof(name), "%.*s", (int)(len - prefix), path + prefix);
    dot = strchr(name, '.');
    if (dot == NULL || (size_t)(dot - name) >= sizeof(id))
        goto not_found;
    snprintf(id, sizeof(id), "%.*s", (int)(dot - name), name);
    if (pv_jobstore_get(env->jobs, id, pv_api_owner_filter(&who), &job) != 0 ||
        job.status != PV_JOB_COMPLETED || job.file_name == NULL ||
        strcmp(job.file_name, name) != 0 ||
        pv_state_result_path(env->server->results_dir, job.file_name, g->file, sizeof(g->file)) !=
            0)
        goto not_found;
    if (access(g->file, R_OK) != 0) {
        pv_reply_error(req, 410, "result-gone", "The result file is gone",
                       "the job's file no longer exists (results are kept for a limited "
                       "time); submit the job again");
        goto out;
    }
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"pivot-%s\"", name);
    pv_reply_header(req, "content-disposition", disposition);
    pv_reply_header(req, "cache-control", "private");
    goto out; /* the file handler sends it */
not_found:
    pv_reply_error(req, 404, "job-not-found", "Job not found",
                   "no downloadable result with this name exists for your key");
out:
    pv_job_clear(&job);
}

int pv_api_download_guard(h2o_handler_t *self, h2o_req_t *req)
{
    pv_http_thread *t = pv_http_thread_of(req);
    guard_check *g = h2o_mem_alloc_pool(&req->pool, sizeof(*g));

    g->self = self;
    g->file[0] = '\0';
    pv_blocking_post(t->pool, PV_LANE_QUICK,
                     pv_blocking_task_new(req, &t->returned, guard_check_work, g));
    return 0;
}
