/*
 * The server's counters and histograms for GET /metrics. Every update is a
 * relaxed atomic add on process-wide memory, so the event loops, the
 * blocking-work threads and the scheduler count without a lock and without
 * ever waiting; a scrape reads them as they are (Prometheus tolerates a
 * histogram whose count and buckets were read a few increments apart).
 */
#ifndef PV_METRICS_H
#define PV_METRICS_H

#include <stdint.h>
#include <stdio.h>

/** The routes HTTP requests are counted under: a fixed set, so the label stays bounded. */
typedef enum pv_metric_route {
    PV_ROUTE_HEALTH,
    PV_ROUTE_OPENAPI,
    PV_ROUTE_METRICS,
    PV_ROUTE_JOBS,     /**< /api/v1/pivot/jobs */
    PV_ROUTE_JOB,      /**< /api/v1/pivot/jobs/{id} */
    PV_ROUTE_DOWNLOAD, /**< /api/v1/pivot/jobs/{id}/download and the result files */
    PV_ROUTE_QUOTA,
    PV_ROUTE_CHANNELS,
    PV_ROUTE_EXPORT,
    PV_ROUTE_PRESETS,
    PV_ROUTE_OTHER, /**< anything else, 404s included */
    PV_ROUTE_COUNT
} pv_metric_route;

/** The label value of a route ("jobs", "job"...). */
const char *pv_metric_route_name(pv_metric_route r);

/** Counts one answered HTTP request: its route, status and seconds from head to last byte. */
void pv_metrics_http_request(pv_metric_route route, int status, double seconds);

/** Counts a submission the server accepted (a job was queued, or an idempotent replay). */
void pv_metrics_submission_accepted(void);

/** Counts a refused submission under its problem type (a static slug such as "quota-exceeded"). */
void pv_metrics_submission_refused(const char *problem_type);

/** Counts a request whose credentials were missing or refused. */
void pv_metrics_auth_failure(void);

/** Counts a job that reached a final status: its run time and, when completed, its file size. */
void pv_metrics_job_finished(const char *status, double run_seconds, int64_t bytes_written);

/** What a job-store operation does, for its latency. */
typedef enum pv_store_op_kind {
    PV_STORE_READ,  /**< a job's status, the queue, idempotency keys, the scrape's figures */
    PV_STORE_WRITE, /**< submissions, cancels, claims, progress, outcomes, transactions */
    PV_STORE_KIND_COUNT
} pv_store_op_kind;

/** Counts one job-store operation of this process, with the seconds it took. */
void pv_metrics_store_op(pv_store_op_kind kind, double seconds);

/** Writes every counter and histogram above in the Prometheus text format. */
void pv_metrics_write(FILE *out);

#endif
