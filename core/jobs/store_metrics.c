#include "store_metrics.h"

#include <pivot/common.h>
#include <sqlite3.h>
#include <stdlib.h>

#define DAY_MS (24 * 3600 * 1000LL)

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

static int write_statuses(sqlite3 *db, int64_t now_ms, FILE *out)
{
    int64_t count[PV_JOB_STATUS_COUNT] = {0}, oldest_ms = 0;
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;

    if (sqlite3_prepare_v2(db, "SELECT status, count(*), min(created_ms) FROM jobs GROUP BY status",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int s = pv_job_status_parse((const char *)sqlite3_column_text(st, 0));
        if (s < 0)
            continue;
        count[s] = sqlite3_column_int64(st, 1);
        if (s == PV_JOB_QUEUED)
            oldest_ms = sqlite3_column_int64(st, 2);
    }
    if (sqlite3_errcode(db) != SQLITE_DONE && sqlite3_errcode(db) != SQLITE_OK)
        goto out;
    fputs("# HELP pivot_jobs Jobs the job store holds, by status.\n"
          "# TYPE pivot_jobs gauge\n",
          out);
    for (int s = 0; s < PV_JOB_STATUS_COUNT; s++)
        fprintf(out, "pivot_jobs{status=\"%s\"} %lld\n", pv_job_status_name((pv_job_status)s),
                (long long)count[s]);
    fprintf(out,
            "# HELP pivot_queue_length Jobs waiting for a worker.\n"
            "# TYPE pivot_queue_length gauge\n"
            "pivot_queue_length %lld\n"
            "# HELP pivot_queue_oldest_age_seconds Age of the oldest queued job (0: none).\n"
            "# TYPE pivot_queue_oldest_age_seconds gauge\n"
            "pivot_queue_oldest_age_seconds %.3f\n",
            (long long)count[PV_JOB_QUEUED],
            count[PV_JOB_QUEUED] > 0 && now_ms > oldest_ms ? (double)(now_ms - oldest_ms) / 1000
                                                           : 0.0);
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

static int write_quota_usage(sqlite3 *db, int64_t now_ms, int max_users, FILE *out)
{
    sqlite3_stmt *st = NULL;
    int64_t users = 0;
    int rc = PIVOT_EIO, shown = 0;

    if (sqlite3_prepare_v2(db,
                           "SELECT user, sum(jobs), sum(bytes), count(*) OVER () FROM quota_usage"
                           " WHERE at_ms > ?1 GROUP BY user ORDER BY sum(jobs) DESC, user LIMIT ?2",
                           -1, &st, NULL) != SQLITE_OK)
        goto out;
    sqlite3_bind_int64(st, 1, now_ms - DAY_MS);
    sqlite3_bind_int(st, 2, max_users);
    fputs("# HELP pivot_quota_jobs_last_day Jobs submitted in the last 24 hours, by user (the "
          "users with the most, at most metrics.max_users).\n"
          "# TYPE pivot_quota_jobs_last_day gauge\n",
          out);
    /* The bytes follow in a second family; keep them aside meanwhile. */
    char *bytes_text = NULL;
    size_t bytes_len = 0;
    FILE *bytes = open_memstream(&bytes_text, &bytes_len);
    if (bytes == NULL)
        goto out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *user = sqlite3_column_text(st, 0);
        users = sqlite3_column_int64(st, 3);
        fputs("pivot_quota_jobs_last_day{user=\"", out);
        write_label_value(out, user);
        fprintf(out, "\"} %lld\n", (long long)sqlite3_column_int64(st, 1));
        fputs("pivot_quota_written_bytes_last_day{user=\"", bytes);
        write_label_value(bytes, user);
        fprintf(bytes, "\"} %lld\n", (long long)sqlite3_column_int64(st, 2));
        shown++;
    }
    fclose(bytes);
    fputs("# HELP pivot_quota_written_bytes_last_day Bytes of results completed in the last 24 "
          "hours, by user (the same users).\n"
          "# TYPE pivot_quota_written_bytes_last_day gauge\n",
          out);
    fwrite(bytes_text, 1, bytes_len, out);
    free(bytes_text);
    fprintf(out,
            "# HELP pivot_quota_users_not_shown Users active in the last 24 hours beyond "
            "metrics.max_users.\n"
            "# TYPE pivot_quota_users_not_shown gauge\n"
            "pivot_quota_users_not_shown %lld\n",
            (long long)(users > shown ? users - shown : 0));
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

int pv_store_metrics_write(pv_jobstore *js, int64_t now_ms, int max_users, FILE *out)
{
    sqlite3 *db = pv_jobstore_sqlite(js);
    int rc;

    /* One read transaction: the statuses and the usage are of the same moment. */
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        return PIVOT_EIO;
    rc = write_statuses(db, now_ms, out);
    if (rc == 0)
        rc = write_quota_usage(db, now_ms, max_users, out);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return rc;
}
