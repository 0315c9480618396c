/*
 * Validation of a POSTed export job: from the request body to the resolved
 * job (absolute range, channels and signals checked against the source),
 * or a problem naming the field and what to fix.
 */
#ifndef PV_REQUEST_H
#define PV_REQUEST_H

#include "config.h"
#include "job.h"
#include "problem.h"
#include "registry.h"

/** What validation needs from the server. Borrowed. */
typedef struct pv_request_env {
    const pv_registry *registry;
    const pv_config *config;
    const pivot_source *source; /**< the data source */
    void *source_ctx;           /**< an instance of it owned by the calling thread */
    int64_t now_ns;             /**< "now" for relative ranges */
} pv_request_env;

/**
 * Validates body (len bytes, not NUL-terminated) and fills job->request,
 * spec, format and the requested range. Returns 0, or -1 with *problem
 * filled (400 malformed, 413 too large, 422 impossible, 500 source failure).
 */
int pv_request_validate(const pv_request_env *env, const char *body, size_t len, pv_job *job,
                        pv_problem *problem);

#endif
