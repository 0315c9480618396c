/*
 * The gauges a scrape reads from the job store: jobs by status, the queue's
 * length and the age of its oldest job, and each user's quota usage over the
 * last day, from pv_jobstore_figures of whichever backend holds the jobs.
 */
#ifndef PV_STORE_METRICS_H
#define PV_STORE_METRICS_H

#include "jobstore.h"

#include <stdint.h>
#include <stdio.h>

/**
 * Writes the gauges in the Prometheus text format, the quota usage of at
 * most max_users users (those with the most jobs in the last day; the
 * number left out is a gauge of its own). Returns 0 or a PIVOT_E* code, in
 * which case nothing useful was written.
 */
int pv_store_metrics_write(pv_jobstore *js, int64_t now_ms, int max_users, FILE *out);

#endif
