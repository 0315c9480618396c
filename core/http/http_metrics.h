/*
 * What the HTTP front counts (metrics.h): each answered request by route,
 * status and time, through an h2o logger so that every answer is counted
 * once whichever thread built it; and GET /metrics itself.
 */
#ifndef PV_HTTP_METRICS_H
#define PV_HTTP_METRICS_H

#include "config.h"
#include "metrics.h"

#include <h2o.h>

/** The route a request counts under, from the path the client sent. */
pv_metric_route pv_http_route_of(h2o_req_t *req);

/** True for a job submission (POST on the jobs collection). */
int pv_http_is_submission(h2o_req_t *req);

/** Counts every request answered under pathconf. */
void pv_http_metrics_attach(h2o_pathconf_t *pathconf);

/**
 * Reads metrics.allow (addresses and networks, separated by commas or
 * spaces; default loopback) and metrics.max_users (1..1000, default 50).
 * Returns 0, or PIVOT_EINVAL with a message naming the setting in err and
 * the settings unchanged. At start, and again on a SIGHUP reload.
 */
int pv_http_metrics_configure(const pv_config *cfg, char *err, size_t errlen);

/** pv_http_metrics_configure's checks alone: 0, or PIVOT_EINVAL with its message. */
int pv_http_metrics_check(const pv_config *cfg, char *err, size_t errlen);

/** True when the peer of req may read /metrics. Memory only: runs on the loop. */
int pv_http_metrics_allowed(h2o_req_t *req);

/** The configured metrics.max_users. */
int pv_http_metrics_max_users(void);

#endif
