/* The job object of the API (GET /api/v1/pivot/jobs/{id}). */
#ifndef PV_JOB_JSON_H
#define PV_JOB_JSON_H

#include "job.h"

#include <yajl/yajl_gen.h>

/**
 * Writes job as the API's job object: job_id, status, progress, created_at,
 * started_at, completed_at, expires_at, time_range, result, error.
 * retention_s dates expires_at; action, when not NULL, adds what a DELETE
 * did ("cancelled", "cancelling", "deleted").
 */
void pv_job_json(yajl_gen g, const pv_job *job, int64_t retention_s, const char *action);

#endif
