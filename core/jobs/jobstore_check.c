/* What `pivotd check` asks of the job store: the result files it vouches for,
 * and marking a job whose file is gone. */
#include "jobstore_internal.h"

#include <pivot/common.h>

int pv_jobstore_each_result_file(pv_jobstore *js, pv_job_visit_fn visit, void *arg)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;

    /* Expired jobs are tombstones whose file the retention sweep removed. */
    if (pv_js_prepare(js,
                      "SELECT " JOB_COLUMNS " FROM jobs WHERE status = 'completed' "
                      "AND file_name IS NOT NULL AND expired_ms IS NULL ORDER BY created_ms",
                      &st) == SQLITE_OK)
        rc = pv_js_visit_rows(st, visit, arg);
    pv_js_release(st);
    return rc;
}

int pv_jobstore_fail_completed(pv_jobstore *js, const char *id, const char *message)
{
    sqlite3_stmt *st = NULL;
    int rc;

    if (pv_js_prepare(js,
                      "UPDATE jobs SET status = 'failed', error = ?2 "
                      "WHERE id = ?1 AND status = 'completed' AND expired_ms IS NULL",
                      &st) != SQLITE_OK)
        return PIVOT_EIO;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, message, -1, SQLITE_STATIC);
    rc = pv_js_step_done(st);
    if (rc == 0 && sqlite3_changes(js->db) == 0)
        rc = PIVOT_ENOENT;
    return rc;
}
