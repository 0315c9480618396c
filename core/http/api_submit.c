/* Storing a submitted job: its quota check and its insert, as one. */
#include "api.h"

#include "http_access.h"
#include "http_reply.h"
#include "timeutil.h"

#include <stdio.h>

int pv_api_submit(pv_api_env *env, h2o_req_t *req, const pivot_principal *who, pv_job *job)
{
    pv_store_failure failure;
    int rc = -1, stored;

    if (pv_job_new_id(job->id) != 0) {
        pv_reply_error(req, 500, "internal-error", "Internal error",
                       "no random bytes for a job id; try again");
        return -1;
    }
    pv_http_note(req, PV_NOTE_JOB_ID, job->id);
    snprintf(job->owner, sizeof(job->owner), "%s", who->user);
    job->status = PV_JOB_QUEUED;
    /* The check reads the user's usage and the insert adds to it: under one
     * write lock, a parallel submission sees this one or waits for it, so
     * a quota lets through exactly as many jobs as it allows. */
    if (pv_jobstore_begin(env->jobs) != 0) {
        pv_api_store_error(req, env->jobs, "job store");
        return -1;
    }
    job->created_ms = pv_time_now_ms();
    if (pv_api_quota_admit(env, req, who, job) != 0)
        goto out;
    stored = pv_jobstore_insert(env->jobs, job);
    if (stored == PIVOT_EEXIST && job->idempotency_key != NULL) {
        rc = PIVOT_EEXIST;
        goto out;
    }
    if (stored != 0 || pv_jobstore_commit(env->jobs) != 0) {
        /* Taken before the rollback, which would replace SQLite's error. */
        pv_jobstore_failure(env->jobs, &failure);
        pv_jobstore_rollback(env->jobs);
        pv_api_store_failure(req, &failure, "job store");
        return -1;
    }
    rc = 0;
out:
    if (rc != 0)
        pv_jobstore_rollback(env->jobs);
    return rc;
}
