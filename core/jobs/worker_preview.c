#include "worker_preview.h"

#include "log.h"
#include "state_dir.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define LOG_ORIGIN "worker"

void pv_worker_preview_start(pv_worker_preview *wp, const char *job_id, const char *result_path,
                             int attempt, pivot_range range, size_t max_bytes)
{
    char err[256] = "";

    wp->pv = NULL;
    wp->max_bytes = max_bytes;
    if (snprintf(wp->final, sizeof(wp->final), "%s" PV_PREVIEW_SUFFIX, result_path) >=
            (int)sizeof(wp->final) ||
        /* Named by the attempt, as the result's partial file, so that the
         * scheduler removes it with that attempt's. */
        snprintf(wp->part, sizeof(wp->part), "%s.%d.part", wp->final, attempt) >=
            (int)sizeof(wp->part)) {
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN, "job %s: no preview: its path is too long", job_id);
        return;
    }
    /* The job goes on without a quick look rather than failing for one. */
    wp->pv = pv_preview_open(wp->part, range, PV_PREVIEW_POINTS, max_bytes, err, sizeof(err));
    if (wp->pv == NULL)
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN, "job %s: no preview: %s", job_id, err);
}

void pv_worker_preview_publish(pv_worker_preview *wp, const char *job_id)
{
    if (wp->pv == NULL)
        return;
    int rc = pv_preview_close(wp->pv);
    wp->pv = NULL;
    if (rc == 0 && rename(wp->part, wp->final) == 0)
        return;
    if (rc == PIVOT_ERANGE)
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN,
               "job %s: no preview: it would pass jobs.max_output_bytes (%zu bytes)", job_id,
               wp->max_bytes);
    else
        pv_log(PIVOT_LOG_WARNING, LOG_ORIGIN, "job %s: the preview could not be written%s%s",
               job_id, rc == 0 ? ": " : "", rc == 0 ? strerror(errno) : "");
    unlink(wp->part);
}

void pv_worker_preview_abandon(pv_worker_preview *wp)
{
    if (wp->pv == NULL)
        return;
    pv_preview_free(wp->pv);
    wp->pv = NULL;
    unlink(wp->part);
}
