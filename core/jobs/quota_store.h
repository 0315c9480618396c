/*
 * The quota tables of the job store (migration 4 of each backend's schema): per-user
 * overrides in `quotas`, and the `quota_usage` ledger that triggers fill
 * when a job is inserted (one submission) or completes (its file's bytes).
 */
#ifndef PV_QUOTA_STORE_H
#define PV_QUOTA_STORE_H

#include "jobstore.h"
#include "quota.h"

#include <stddef.h>

/** The quotas row that holds the server's defaults for the scheduler. */
#define PV_QUOTA_DEFAULTS_USER "*"

/** user's limits: defaults with the user's overrides. Returns 0 or PIVOT_EIO. */
int pv_quota_store_limits(pv_jobstore *js, const char *user, const pv_quota_limits *defaults,
                          pv_quota_limits *out);

/**
 * user's usage at now_ms, and when the rate quotas of lim free. Forgets
 * ledger entries older than the window on the way. Returns 0 or PIVOT_EIO.
 */
int pv_quota_store_usage(pv_jobstore *js, const char *user, const pv_quota_limits *lim,
                         int64_t now_ms, pv_quota_usage *out);

/**
 * Changes user's overrides: for each limit i with touch[i], sets value[i]
 * (>= 0; 0 is "no limit") or, when value[i] < 0, returns it to the default.
 * Returns 0 or PIVOT_EIO with a message.
 */
int pv_quota_store_set(pv_jobstore *js, const char *user, const int touch[PV_QUOTA_NLIMITS],
                       const int64_t value[PV_QUOTA_NLIMITS], char *err, size_t errlen);

/**
 * Records the configured defaults under PV_QUOTA_DEFAULTS_USER, where the
 * scheduler's claim reads the default running-jobs cap. Returns 0 or PIVOT_EIO.
 */
int pv_quota_store_publish_defaults(pv_jobstore *js, const pv_quota_limits *defaults, char *err,
                                    size_t errlen);

/** pv_quota_store_publish_defaults of cfg's quotas.* on js; for `pivotd serve` at start. */
int pv_quota_store_publish_config(pv_jobstore *js, const pv_config *cfg, char *err, size_t errlen);

#endif
