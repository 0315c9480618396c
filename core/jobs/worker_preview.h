/* The worker's side of the quick-look preview: the file written beside the
 * result while it is exported, and put in place with it. */
#ifndef PV_WORKER_PREVIEW_H
#define PV_WORKER_PREVIEW_H

#include "preview.h"

#include <limits.h>

/** A preview being written: NULL pv when there is none (it is never required). */
typedef struct pv_worker_preview {
    pv_preview *pv;
    char part[PATH_MAX];  /**< where it is written: <result><suffix>.<attempt>.part */
    char final[PATH_MAX]; /**< where it goes with the result: <result><suffix> */
    size_t max_bytes;     /**< the most it may hold (0: unbounded) */
} pv_worker_preview;

/**
 * Starts the preview of the result file result_path over range, at most
 * max_bytes (jobs.max_output_bytes; 0 unbounded); logs and goes without on
 * failure.
 */
void pv_worker_preview_start(pv_worker_preview *wp, const char *job_id, const char *result_path,
                             int attempt, pivot_range range, size_t max_bytes);
/** Once the result is in place: closes the preview and renames it beside it, or removes it. */
void pv_worker_preview_publish(pv_worker_preview *wp, const char *job_id);
/** Drops the preview of an export that did not complete. */
void pv_worker_preview_abandon(pv_worker_preview *wp);

#endif
