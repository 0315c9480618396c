/*
 * Per-user quotas: the limits that apply to a user (config defaults under
 * quotas.*, overridden per user with `pivotd quota set`), and the decision
 * whether a job may be submitted. Pure arithmetic: the numbers come from
 * quota_store.c.
 */
#ifndef PV_QUOTA_H
#define PV_QUOTA_H

#include "config.h"
#include "problem.h"

#include <stdint.h>

/** Rate quotas count what happened in the last 24 hours (a sliding window). */
#define PV_QUOTA_WINDOW_MS ((int64_t)24 * 3600 * 1000)
/** Retry-After for a count quota, which frees when a job of the user starts or ends. */
#define PV_QUOTA_COUNT_RETRY_S 10

/** The limits, in the order of pv_quota_names. */
typedef enum pv_quota_limit {
    PV_QUOTA_MAX_RUNNING = 0, /**< jobs processing at once (enforced by the scheduler) */
    PV_QUOTA_MAX_QUEUED,      /**< jobs waiting (429) */
    PV_QUOTA_JOBS_PER_DAY,    /**< submissions in 24 h (429) */
    PV_QUOTA_BYTES_PER_DAY,   /**< result bytes produced in 24 h (429) */
    PV_QUOTA_MAX_CHANNELS,    /**< channels of one job (413) */
    PV_QUOTA_MAX_RANGE,       /**< seconds of one job's time range (413) */
    PV_QUOTA_NLIMITS
} pv_quota_limit;

/** The names of one limit in each place it appears. */
typedef struct pv_quota_name {
    const char *column;     /**< in the quotas table */
    const char *config_key; /**< the default's setting */
    const char *option;     /**< `pivotd quota set --<option>` */
    const char *json;       /**< in GET /api/v1/pivot/quota and problems */
    int is_duration;        /**< the value is seconds, written as a duration */
} pv_quota_name;

extern const pv_quota_name pv_quota_names[PV_QUOTA_NLIMITS];

/** One user's limits; 0 is "no limit". */
typedef struct pv_quota_limits {
    int64_t value[PV_QUOTA_NLIMITS];
    int overridden[PV_QUOTA_NLIMITS]; /**< set for this user rather than the default */
} pv_quota_limits;

/** What a user has used. Times are ms since the epoch; 0 when nothing frees. */
typedef struct pv_quota_usage {
    int64_t running;        /**< jobs processing */
    int64_t queued;         /**< jobs queued */
    int64_t jobs_day;       /**< submissions in the last 24 h */
    int64_t bytes_day;      /**< result bytes produced in the last 24 h */
    int64_t jobs_frees_ms;  /**< when jobs_day falls below its limit */
    int64_t bytes_frees_ms; /**< when bytes_day falls below its limit */
} pv_quota_usage;

/** What a submitted job asks for. */
typedef struct pv_quota_job {
    int64_t channels;
    int64_t range_ns;
} pv_quota_job;

/** The configured defaults, none overridden. */
void pv_quota_defaults(const pv_config *cfg, pv_quota_limits *out);

/**
 * Decides whether job may be submitted. Returns 0, or the HTTP status (413
 * for a per-job limit, 429 for a count or rate quota) with *pb filled and,
 * for 429, *retry_after_s (at least 1) saying when to try again.
 */
int pv_quota_evaluate(const pv_quota_limits *lim, const pv_quota_usage *use,
                      const pv_quota_job *job, int64_t now_ms, pv_problem *pb,
                      int64_t *retry_after_s);

/** Seconds from now_ms until at_ms, rounded up, at least 1. */
int64_t pv_quota_seconds_until(int64_t at_ms, int64_t now_ms);

#endif
