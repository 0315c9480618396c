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

int pv_api_jobs_download(pv_http_thread *t, h2o_req_t *req, const pivot_principal *who,
                         const char *id)
{
    pv_job job;
    char url[256];
    int rc = pv_jobstore_get(t->jobs, id, pv_api_owner_filter(who), &job);

    if (rc == PIVOT_ENOENT)
        return pv_reply_error(req, 404, "job-not-found", "Job not found",
                              "no job with this id exists for your key; it may have expired "
                              "or belong to another user");
    if (rc != 0)
        return pv_api_store_error(req, t->jobs, "job store");
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
    h2o_iovec_t copy = h2o_strdup(&req->pool, url, (size_t)n);
    h2o_send_redirect_internal(req, req->method, copy.base, copy.len, 0);
    return 0;
}

int pv_api_download_guard(h2o_handler_t *self, h2o_req_t *req)
{
    pv_http_thread *t = pv_http_thread_of(req);
    const char *path = req->path_normalized.base;
    size_t len = req->path_normalized.len, prefix = sizeof(FILES_PREFIX) - 1;
    char name[128], id[PV_JOB_ID_SIZE], disposition[200], file[PATH_MAX];
    pivot_principal who;
    pv_job job = {0};
    const char *dot;
    int rc = 0;

    if (pv_auth_gate(t->server, req, &who) != 0)
        return 0;
    if (len <= prefix || len - prefix >= sizeof(name) || memcmp(path, FILES_PREFIX, prefix) != 0)
        goto not_found;
    snprintf(name, sizeof(name), "%.*s", (int)(len - prefix), path + prefix);
    dot = strchr(name, '.');
    if (dot == NULL || (size_t)(dot - name) >= sizeof(id))
        goto not_found;
    snprintf(id, sizeof(id), "%.*s", (int)(dot - name), name);
    if (pv_jobstore_get(t->jobs, id, pv_api_owner_filter(&who), &job) != 0 ||
        job.status != PV_JOB_COMPLETED || job.file_name == NULL ||
        strcmp(job.file_name, name) != 0 ||
        pv_state_result_path(t->server->results_dir, job.file_name, file, sizeof(file)) != 0)
        goto not_found;
    if (access(file, R_OK) != 0) {
        rc = pv_reply_error(req, 410, "result-gone", "The result file is gone",
                            "the job's file no longer exists (results are kept for a limited "
                            "time); submit the job again");
        goto out;
    }
    if (pv_download_prepare(req, file) != 0)
        goto out; /* answered: no range lies in the file */
    snprintf(disposition, sizeof(disposition), "attachment; filename=\"pivot-%s\"", name);
    pv_reply_header(req, "content-disposition", disposition);
    pv_reply_header(req, "cache-control", "private");
    rc = -1; /* let the file handler send it */
    goto out;
not_found:
    rc = pv_reply_error(req, 404, "job-not-found", "Job not found",
                        "no downloadable result with this name exists for your key");
out:
    pv_job_clear(&job);
    return rc;
}
