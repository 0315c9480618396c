/* Handlers of the HTTP API, one file per resource, dispatched by api_router.c. */
#ifndef PV_API_H
#define PV_API_H

#include "http_server.h"

/* Each answers req completely and returns 0. `id` is a job id from the path. */
int pv_api_jobs_create(pv_http_thread *t, h2o_req_t *req, const pivot_principal *who);
int pv_api_jobs_list(pv_http_thread *t, h2o_req_t *req, const pivot_principal *who);
int pv_api_jobs_get(pv_http_thread *t, h2o_req_t *req, const pivot_principal *who, const char *id);
int pv_api_jobs_cancel(pv_http_thread *t, h2o_req_t *req, const pivot_principal *who,
                       const char *id);
int pv_api_jobs_download(pv_http_thread *t, h2o_req_t *req, const pivot_principal *who,
                         const char *id);
int pv_api_health(pv_http_thread *t, h2o_req_t *req);
int pv_api_channels(pv_http_thread *t, h2o_req_t *req);

/** The owner filter for a caller: admins see every job, users their own. */
static inline const char *pv_api_owner_filter(const pivot_principal *who)
{
    return __builtin_strcmp(who->role, "admin") == 0 ? (const char *)0 : who->user;
}

#endif
