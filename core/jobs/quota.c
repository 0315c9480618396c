#include "quota.h"

#include "timeutil.h"
#include "units.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define T_JOB_LIMIT "quota-job-limit", "The job exceeds a per-job limit of your quota"
#define T_EXCEEDED "quota-exceeded", "A quota of yours is used up"

const pv_quota_name pv_quota_names[PV_QUOTA_NLIMITS] = {
    {"max_running", "quotas.max_running_jobs", "max-running", "max_running_jobs", 0},
    {"max_queued", "quotas.max_queued_jobs", "max-queued", "max_queued_jobs", 0},
    {"jobs_per_day", "quotas.jobs_per_day", "jobs-per-day", "jobs_per_day", 0},
    {"bytes_per_day", "quotas.output_bytes_per_day", "bytes-per-day", "output_bytes_per_day", 0},
    {"max_channels", "quotas.max_channels_per_job", "max-channels", "max_channels_per_job", 0},
    {"max_range_s", "quotas.max_time_range", "max-range", "max_time_range_s", 1},
};

void pv_quota_defaults(const pv_config *cfg, pv_quota_limits *out)
{
    memset(out, 0, sizeof(*out));
    out->value[PV_QUOTA_MAX_RUNNING] = cfg->quota_max_running;
    out->value[PV_QUOTA_MAX_QUEUED] = cfg->quota_max_queued;
    out->value[PV_QUOTA_JOBS_PER_DAY] = cfg->quota_jobs_per_day;
    out->value[PV_QUOTA_BYTES_PER_DAY] = (int64_t)cfg->quota_bytes_per_day;
    out->value[PV_QUOTA_MAX_CHANNELS] = cfg->quota_max_channels;
    out->value[PV_QUOTA_MAX_RANGE] = cfg->quota_max_range_s;
}

int64_t pv_quota_seconds_until(int64_t at_ms, int64_t now_ms)
{
    int64_t s = at_ms > now_ms ? (at_ms - now_ms + 999) / 1000 : 0;
    return s < 1 ? 1 : s;
}

/* A 429 for a rate quota that frees at frees_ms. */
/* bytes: the figures are byte counts, repeated in binary units. */
static int rate_exceeded(pv_problem *pb, const char *name, const char *what, int bytes,
                         int64_t used, int64_t limit, int64_t frees_ms, int64_t now_ms,
                         int64_t *retry)
{
    char at[PV_TIME_TEXT_SIZE], used_h[PV_HUMAN_BYTES_SIZE + 4] = "",
                                                             limit_h[PV_HUMAN_BYTES_SIZE + 4] = "";

    *retry = pv_quota_seconds_until(frees_ms, now_ms);
    pv_time_format_ms(now_ms + *retry * 1000, at);
    if (bytes) {
        char h[PV_HUMAN_BYTES_SIZE];
        pv_human_bytes(used, h);
        snprintf(used_h, sizeof(used_h), " (%s)", h);
        pv_human_bytes(limit, h);
        snprintf(limit_h, sizeof(limit_h), " (%s)", h);
    }
    pv_problem_set(pb, 429, T_EXCEEDED, name,
                   "%s: quota used up: %" PRId64 " %s%s in the last 24 hours, the limit is %" PRId64
                   "%s; it frees at %s (in %" PRId64 " s)",
                   name, used, what, used_h, limit, limit_h, at, *retry);
    return 429;
}

int pv_quota_evaluate(const pv_quota_limits *lim, const pv_quota_usage *use,
                      const pv_quota_job *job, int64_t now_ms, pv_problem *pb,
                      int64_t *retry_after_s)
{
    const int64_t *v = lim->value;
    const pv_quota_name *n = pv_quota_names;

    *retry_after_s = 0;
    /* Per-job limits first: retrying later would not help those. */
    if (v[PV_QUOTA_MAX_CHANNELS] > 0 && job->channels > v[PV_QUOTA_MAX_CHANNELS]) {
        pv_problem_set(pb, 413, T_JOB_LIMIT, n[PV_QUOTA_MAX_CHANNELS].json,
                       "%s: the job selects %" PRId64 " channels; your quota allows %" PRId64
                       " per job; split the export into several jobs",
                       n[PV_QUOTA_MAX_CHANNELS].json, job->channels, v[PV_QUOTA_MAX_CHANNELS]);
        return 413;
    }
    if (v[PV_QUOTA_MAX_RANGE] > 0 && job->range_ns > v[PV_QUOTA_MAX_RANGE] * 1000000000) {
        pv_problem_set(pb, 413, T_JOB_LIMIT, n[PV_QUOTA_MAX_RANGE].json,
                       "%s: the job's time range lasts %" PRId64 " s; your quota allows %" PRId64
                       " s per job; split the range into several jobs",
                       n[PV_QUOTA_MAX_RANGE].json, (job->range_ns + 999999999) / 1000000000,
                       v[PV_QUOTA_MAX_RANGE]);
        return 413;
    }
    if (v[PV_QUOTA_MAX_QUEUED] > 0 && use->queued >= v[PV_QUOTA_MAX_QUEUED]) {
        *retry_after_s = PV_QUOTA_COUNT_RETRY_S;
        pv_problem_set(pb, 429, T_EXCEEDED, n[PV_QUOTA_MAX_QUEUED].json,
                       "%s: you have %" PRId64 " jobs queued, the limit is %" PRId64
                       "; it frees when one of them starts or is cancelled",
                       n[PV_QUOTA_MAX_QUEUED].json, use->queued, v[PV_QUOTA_MAX_QUEUED]);
        return 429;
    }
    if (v[PV_QUOTA_JOBS_PER_DAY] > 0 && use->jobs_day >= v[PV_QUOTA_JOBS_PER_DAY])
        return rate_exceeded(pb, n[PV_QUOTA_JOBS_PER_DAY].json, "jobs submitted", 0, use->jobs_day,
                             v[PV_QUOTA_JOBS_PER_DAY], use->jobs_frees_ms, now_ms, retry_after_s);
    if (v[PV_QUOTA_BYTES_PER_DAY] > 0 && use->bytes_day >= v[PV_QUOTA_BYTES_PER_DAY])
        return rate_exceeded(pb, n[PV_QUOTA_BYTES_PER_DAY].json, "bytes of results produced", 1,
                             use->bytes_day, v[PV_QUOTA_BYTES_PER_DAY], use->bytes_frees_ms, now_ms,
                             retry_after_s);
    return 0;
}
