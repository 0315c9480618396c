/* The job object of the API (GET /api/v1/pivot/jobs/{id}). */
#ifndef PV_JOB_JSON_H
#define PV_JOB_JSON_H

#include "job.h"

#include <yajl/yajl_gen.h>

/** What the job object shows beyond the row itself. */
typedef struct pv_job_view {
    int64_t retention_s;    /**< dates expires_at */
    int64_t queue_position; /**< shown while queued; 0 when unknown */
    const char *action;     /**< what a DELETE did ("cancelled"...), or NULL */
} pv_job_view;

/**
 * Writes job as the API's job object: job_id, status, progress, attempts,
 * priority, queue_position, created_at, started_at, completed_at,
 * expires_at, time_range, format, result, error (and action).
 */
void pv_job_json(yajl_gen g, const pv_job *job, const pv_job_view *view);

#endif
