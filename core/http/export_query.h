/*
 * The query of SpeedData's original synchronous export,
 * GET /api/v1/pivot/export?start=...&end=...|duration=...&channels=a,b&signals=x,y,
 * translated into the equivalent JSON job request.
 */
#ifndef PV_EXPORT_QUERY_H
#define PV_EXPORT_QUERY_H

#include "config.h"
#include "problem.h"

#include <stddef.h>

/** The end of every "over the limit" detail: where larger exports go. */
#define PV_EXPORT_JOB_API_HINT                                                                     \
    "for larger exports submit a job with POST /api/v1/pivot/jobs (see /api/v1/openapi.yaml)"

/**
 * Parses query (len bytes after the '?', not NUL-terminated; NULL when the
 * URL has none) into a job request body. Checks the channel count against
 * cfg->sync_max_channels (413). Returns 0 with *body (caller frees) and
 * *body_len, or -1 with *problem filled (field named after the parameter).
 */
int pv_export_query_to_job(const char *query, size_t len, const pv_config *cfg, char **body,
                           size_t *body_len, pv_problem *problem);

/**
 * Rewrites the field of a problem found in the translated body to the query
 * parameter it came from ("time_range.start" -> "start", "channels.include[1]"
 * -> "channels", "signals.ch1" -> "signals").
 */
void pv_export_query_field(pv_problem *problem);

#endif
