/*
 * Handlers of the HTTP API, one file per resource, dispatched by
 * api_router.c. They run on a blocking-work thread (blocking_pool.h) with
 * its connections, unless said otherwise.
 */
#ifndef PV_API_H
#define PV_API_H

#include "blocking_pool.h"
#include "http_server.h"
#include "problem.h"

#include <yajl/yajl_gen.h>

/* The h2o handlers of the API, on the loop thread (http_server.c installs
 * them): the router of every path, and the guard of the result files. */
int pv_api_route(h2o_handler_t *self, h2o_req_t *req);
int pv_api_download_guard(h2o_handler_t *self, h2o_req_t *req);

/* Each answers req completely and returns 0. `id` is a job id from the path. */
int pv_api_jobs_create(pv_api_env *env, h2o_req_t *req, const pivot_principal *who);
int pv_api_jobs_list(pv_api_env *env, h2o_req_t *req, const pivot_principal *who);
/** GET /jobs/{id}, with ?wait= parked on the loop (api_job_wait.c). */
int pv_api_jobs_get(pv_api_env *env, pv_blocking_task *task, const pivot_principal *who,
                    const char *id);
/** Answers 200 with the job as a status GET shows it: ETag, and Retry-After while running. */
int pv_api_reply_job_status(pv_api_env *env, h2o_req_t *req, const pv_job *job);
/** ?wait=: 0 with *wait_ms (-1 when absent), or -1 with a 400 in pb. */
int pv_api_wait_param(h2o_req_t *req, int64_t *wait_ms, pv_problem *pb);
/** The whole percent the API shows for job. */
int pv_api_job_progress(const pv_job *job);
/** The job's ETag: its status and whole percent, quoted. */
void pv_api_job_etag(const pv_job *job, char *out, size_t len);
/** True when the job is completed, failed, cancelled or expired. */
int pv_api_job_is_final(const pv_job *job);
/** True when the request's If-None-Match names another state of the job than its own. */
int pv_api_job_unseen(h2o_req_t *req, const pv_job *job);
/**
 * Parks task's request on its loop until job changes (status or whole
 * percent), ends, or wait_ms pass; then answers as pv_api_reply_job_status.
 */
void pv_api_job_wait(pv_blocking_task *task, const pivot_principal *who, const pv_job *job,
                     int64_t wait_ms);
int pv_api_jobs_cancel(pv_api_env *env, h2o_req_t *req, const pivot_principal *who, const char *id);
/**
 * GET /api/v1/pivot/jobs/{id}/preview?signals=&points=: the min/max
 * quick look of a completed job, with the same access as its download.
 */
int pv_api_jobs_preview(pv_api_env *env, h2o_req_t *req, const pivot_principal *who,
                        const char *id);
int pv_api_jobs_download(pv_api_env *env, h2o_req_t *req, const pivot_principal *who,
                         const char *id);
/**
 * POST /api/v1/pivot/jobs?dry_run=true: answers with the validated job's
 * resolved range, channels and signals and an estimate of its output.
 */
int pv_api_jobs_dry_run(pv_api_env *env, h2o_req_t *req, const pv_job *job);
/**
 * Writes "warnings": [...] for the channels of job whose data misses its
 * range in whole or in part (coverage.h), from the source's spans.
 */
void pv_api_gen_missing_data(pv_api_env *env, yajl_gen g, const pv_job *job);
/* Answered on the loop thread: they read memory only. */
int pv_api_health(pv_server *srv, h2o_req_t *req);
int pv_api_channels(pv_api_env *env, h2o_req_t *req);
/** 404 job-not-found for a job id the caller's key cannot see (none, expired, or another user's).
 */
int pv_api_job_not_found(h2o_req_t *req);
/** GET /api/v1/openapi.yaml: the compiled-in OpenAPI description. */
int pv_api_openapi(pv_server *srv, h2o_req_t *req);
/** Whether a path is the web page's: "/" or below "/web/". */
int pv_api_web_path(const char *path, size_t len);
/** GET / and /web/...: the compiled-in page, with ETag, caching and CSP headers. */
int pv_api_web(pv_server *srv, h2o_req_t *req);

/** GET /metrics for an allowed peer (api_metrics.c): the work goes to a blocking thread. */
int pv_api_metrics(pv_http_thread *t, h2o_req_t *req);
/**
 * GET /api/v1/pivot/export: a job submitted, awaited and served in one
 * request. Submits the job of task->req and sets task->resume to wait for
 * it on the loop thread, or answers the request.
 */
void pv_api_export_sync(pv_api_env *env, pv_blocking_task *task, const pivot_principal *who);

/**
 * GET /api/v1/pivot/presets: every registered preset with its plugin and
 * what it resolves to now. Calls the plugins' resolve (CPU only).
 */
int pv_api_presets(pv_api_env *env, h2o_req_t *req);

/** GET /api/v1/pivot/quota: the caller's limits and usage. */
int pv_api_quota(pv_api_env *env, h2o_req_t *req, const pivot_principal *who);
/**
 * The quota check of a validated job about to be submitted by who: returns
 * 0 when it may go ahead, or answers req (413, 429 with Retry-After, 500)
 * and returns -1.
 */
int pv_api_quota_admit(pv_api_env *env, h2o_req_t *req, const pivot_principal *who,
                       const pv_job *job);

/**
 * Answers a request whose job-store access failed, and logs SQLite's error
 * (`what` names the operation): 503 store-busy with Retry-After when the
 * store stayed locked (a process holding the write lock, e.g. a stopped
 * worker; nothing was changed), 507 store-full with Retry-After when its
 * disk is full, else 500 internal-error. Returns 0.
 */
int pv_api_store_failure(h2o_req_t *req, const pv_store_failure *f, const char *what);

/** pv_api_store_failure of the last failure on js: call it before anything else runs on js. */
int pv_api_store_error(h2o_req_t *req, pv_jobstore *js, const char *what);

/**
 * Stores a validated job of who (id, owner and creation time filled in
 * here) after its quota check, both in one job-store transaction, so that
 * parallel submissions cannot pass a quota together. Returns 0 when the
 * job is stored (the caller answers), -1 when it answered req itself (a
 * quota refused it, the store failed), or PIVOT_EEXIST, unanswered, when
 * the job's Idempotency-Key is already taken (a racing POST won).
 */
int pv_api_submit(pv_api_env *env, h2o_req_t *req, const pivot_principal *who, pv_job *job);

/** The owner filter for a caller: admins see every job, users their own. */
static inline const char *pv_api_owner_filter(const pivot_principal *who)
{
    return __builtin_strcmp(who->role, "admin") == 0 ? (const char *)0 : who->user;
}

#endif
