#include "store_metrics.h"

#include <pivot/common.h>
#include <stdlib.h>

/* A scrape's user label comes from the job store, where owners are user
 * names of at most PV_USER_SIZE bytes in [A-Za-z0-9._@-] (user_name.c), so
 * it needs no escaping beyond the quote and backslash checks below. */
static void write_label_value(FILE *out, const unsigned char *text)
{
    for (; text != NULL && *text != '\0'; text++) {
        if (*text == '"' || *text == '\\')
            fputc('\\', out);
        if (*text == '\n')
            fputs("\\n", out);
        else
            fputc(*text, out);
    }
}

static void write_statuses(const pv_store_figures *f, int64_t now_ms, FILE *out)
{
    int64_t queued = f->jobs[PV_JOB_QUEUED];

    fputs("# HELP pivot_jobs Jobs the job store holds, by status.\n"
          "# TYPE pivot_jobs gauge\n",
          out);
    for (int s = 0; s < PV_JOB_STATUS_COUNT; s++)
        fprintf(out, "pivot_jobs{status=\"%s\"} %lld\n", pv_job_status_name((pv_job_status)s),
                (long long)f->jobs[s]);
    fprintf(out,
            "# HELP pivot_queue_length Jobs waiting for a worker.\n"
            "# TYPE pivot_queue_length gauge\n"
            "pivot_queue_length %lld\n"
            "# HELP pivot_queue_oldest_age_seconds Age of the oldest queued job (0: none).\n"
            "# TYPE pivot_queue_oldest_age_seconds gauge\n"
            "pivot_queue_oldest_age_seconds %.3f\n",
            (long long)queued,
            queued > 0 && now_ms > f->oldest_queued_ms
                ? (double)(now_ms - f->oldest_queued_ms) / 1000
                : 0.0);
}

static void write_quota_usage(const pv_store_figures *f, FILE *out)
{
    fputs("# HELP pivot_quota_jobs_last_day Jobs submitted in the last 24 hours, by user (the "
          "users with the most, at most metrics.max_users).\n"
          "# TYPE pivot_quota_jobs_last_day gauge\n",
          out);
    for (size_t i = 0; i < f->nusers; i++) {
        fputs("pivot_quota_jobs_last_day{user=\"", out);
        write_label_value(out, (const unsigned char *)f->users[i].user);
        fprintf(out, "\"} %lld\n", (long long)f->users[i].jobs);
    }
    fputs("# HELP pivot_quota_written_bytes_last_day Bytes of results completed in the last 24 "
          "hours, by user (the same users).\n"
          "# TYPE pivot_quota_written_bytes_last_day gauge\n",
          out);
    for (size_t i = 0; i < f->nusers; i++) {
        fputs("pivot_quota_written_bytes_last_day{user=\"", out);
        write_label_value(out, (const unsigned char *)f->users[i].user);
        fprintf(out, "\"} %lld\n", (long long)f->users[i].bytes);
    }
    fprintf(out,
            "# HELP pivot_quota_users_not_shown Users active in the last 24 hours beyond "
            "metrics.max_users.\n"
            "# TYPE pivot_quota_users_not_shown gauge\n"
            "pivot_quota_users_not_shown %lld\n",
            (long long)(f->users_active > (int64_t)f->nusers ? f->users_active - (int64_t)f->nusers
                                                             : 0));
}

int pv_store_metrics_write(pv_jobstore *js, int64_t now_ms, int max_users, FILE *out)
{
    pv_store_figures f;
    int rc = pv_jobstore_figures(js, now_ms, max_users, &f);

    if (rc == 0) {
        write_statuses(&f, now_ms, out);
        write_quota_usage(&f, out);
    }
    pv_store_figures_clear(&f);
    return rc;
}
