/* The SQLite job store: states, ownership, paging, fair claiming, expiry. */
#include "check.h"
#include "jobstore.h"

#include <pivot/common.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

static void make_job(pv_job *job, const char *id, const char *owner, int64_t created_ms)
{
    memset(job, 0, sizeof(*job));
    snprintf(job->id, sizeof(job->id), "%s", id);
    snprintf(job->owner, sizeof(job->owner), "%s", owner);
    job->request = "{}";
    job->spec = "{\"version\":1}";
    job->format = "hdf5";
    job->range_start_ns = 1000;
    job->range_end_ns = 2000;
    job->created_ms = created_ms;
}

static int collect_ids(void *arg, const pv_job *job)
{
    char *out = arg;
    strcat(out, job->id);
    strcat(out, ",");
    return 0;
}

int main(void)
{
    char dir[] = "/tmp/pivot-jobstore-XXXXXX", path[256], err[512], ids[512];
    pv_jobstore *js = NULL;
    pv_job job, got;
    int64_t total = 0, running = 0;
    pv_cancel_outcome outcome;
    char *file = NULL;

    if (mkdtemp(dir) == NULL)
        return 2;
    snprintf(path, sizeof(path), "%s/jobs.db", dir);
    CHECK_INT_EQ(pv_jobstore_open(path, &js, err, sizeof(err)), 0);

    /* alice queues three jobs, then bob one. */
    make_job(&job, "a1", "alice", 100);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    make_job(&job, "a2", "alice", 200);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    make_job(&job, "a3", "alice", 300);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    make_job(&job, "b1", "bob", 400);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    /* Ids are primary keys. */
    CHECK(pv_jobstore_insert(js, &job) != 0);

    /* Ownership: bob cannot see alice's job; an admin (NULL) can. */
    CHECK_INT_EQ(pv_jobstore_get(js, "a1", "bob", &got), PIVOT_ENOENT);
    CHECK_INT_EQ(pv_jobstore_get(js, "a1", NULL, &got), 0);
    CHECK_STR_EQ(got.owner, "alice");
    CHECK_INT_EQ(got.status, PV_JOB_QUEUED);
    CHECK_INT_EQ(got.range_end_ns, 2000);
    pv_job_clear(&got);

    /* Paging: newest first, total counts the filter. */
    ids[0] = '\0';
    CHECK_INT_EQ(pv_jobstore_list(js, "alice", PV_JOB_ANY_STATUS, 2, 0, &total, collect_ids, ids),
                 0);
    CHECK_INT_EQ(total, 3);
    CHECK_STR_EQ(ids, "a3,a2,");
    ids[0] = '\0';
    CHECK_INT_EQ(pv_jobstore_list(js, "alice", PV_JOB_ANY_STATUS, 2, 2, &total, collect_ids, ids),
                 0);
    CHECK_STR_EQ(ids, "a1,");
    ids[0] = '\0';
    CHECK_INT_EQ(pv_jobstore_list(js, NULL, 1u << PV_JOB_QUEUED, 10, 0, &total, collect_ids, ids),
                 0);
    CHECK_INT_EQ(total, 4);

    /* Fair claiming: alice's oldest first, then bob's (alice already runs one),
     * then alice's next. */
    CHECK_INT_EQ(pv_jobstore_claim_next(js, 1000, &got), 0);
    CHECK_STR_EQ(got.id, "a1");
    CHECK_INT_EQ(got.status, PV_JOB_PROCESSING);
    CHECK_INT_EQ(got.attempts, 1);
    CHECK_INT_EQ(got.started_ms, 1000);
    pv_job_clear(&got);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, 1001, &got), 0);
    CHECK_STR_EQ(got.id, "b1");
    pv_job_clear(&got);
    CHECK_INT_EQ(pv_jobstore_count_running(js, &running), 0);
    CHECK_INT_EQ(running, 2);

    /* Progress; a cancel request is reported back to the worker. */
    CHECK_INT_EQ(pv_jobstore_progress(js, "a1", 42.5, 1100), 0);
    CHECK_INT_EQ(pv_jobstore_cancel(js, "a1", "alice", &outcome, &file), 0);
    CHECK_INT_EQ(outcome, PV_CANCEL_REQUESTED);
    CHECK(file == NULL);
    CHECK_INT_EQ(pv_jobstore_progress(js, "a1", 50, 1200), 1);
    CHECK_INT_EQ(pv_jobstore_finish(js, "a1", PV_JOB_CANCELLED, "stopped", 1300), 0);
    CHECK_INT_EQ(pv_jobstore_get(js, "a1", NULL, &got), 0);
    CHECK_INT_EQ(got.status, PV_JOB_CANCELLED);
    CHECK_STR_EQ(got.error, "stopped");
    CHECK_INT_EQ(got.finished_ms, 1300);
    pv_job_clear(&got);

    /* Completing b1 stores its result. */
    make_job(&job, "b1", "bob", 0);
    job.file_name = "b1.h5";
    job.file_size = 12345;
    job.channels_exported = 3;
    job.samples = 300;
    job.actual_start_ns = 1000;
    job.actual_end_ns = 1999;
    CHECK_INT_EQ(pv_jobstore_complete(js, &job, 5000), 0);
    CHECK_INT_EQ(pv_jobstore_get(js, "b1", "bob", &got), 0);
    CHECK_INT_EQ(got.status, PV_JOB_COMPLETED);
    CHECK_INT_EQ(got.file_size, 12345);
    CHECK_INT_EQ(got.progress, 100);
    CHECK_STR_EQ(got.file_name, "b1.h5");
    pv_job_clear(&got);
    /* A second completion of a job no longer processing is refused. */
    CHECK_INT_EQ(pv_jobstore_complete(js, &job, 5001), PIVOT_ENOENT);

    /* Cancel of a queued job is immediate; of a finished one deletes it. */
    CHECK_INT_EQ(pv_jobstore_cancel(js, "a3", "alice", &outcome, &file), 0);
    CHECK_INT_EQ(outcome, PV_CANCEL_DONE);
    CHECK_INT_EQ(pv_jobstore_cancel(js, "b1", "alice", &outcome, &file), PIVOT_ENOENT);
    CHECK_INT_EQ(pv_jobstore_cancel(js, "b1", "bob", &outcome, &file), 0);
    CHECK_INT_EQ(outcome, PV_CANCEL_DELETED);
    CHECK_STR_EQ(file, "b1.h5");
    free(file);
    file = NULL;
    CHECK_INT_EQ(pv_jobstore_get(js, "b1", NULL, &got), PIVOT_ENOENT);

    /* Requeue after a lost worker, then expiry of finished jobs. */
    CHECK_INT_EQ(pv_jobstore_claim_next(js, 6000, &got), 0);
    CHECK_STR_EQ(got.id, "a2");
    pv_job_clear(&got);
    CHECK_INT_EQ(pv_jobstore_requeue(js, "a2", 2, "given up after %d", 6100), 0);
    CHECK_INT_EQ(pv_jobstore_get(js, "a2", NULL, &got), 0);
    CHECK_INT_EQ(got.status, PV_JOB_QUEUED);
    CHECK_INT_EQ(got.attempts, 1);
    pv_job_clear(&got);
    CHECK_INT_EQ(pv_jobstore_requeue(js, "a2", 2, "given up after %d", 6100), PIVOT_ENOENT);
    /* Retention, first pass: a1 (finished at 1300) loses its file, keeps its row as expired. */
    ids[0] = '\0';
    CHECK_INT_EQ(pv_jobstore_expire(js, 1301, 7000, collect_ids, ids), 0);
    CHECK_STR_EQ(ids, "a1,");
    CHECK_INT_EQ(pv_jobstore_get(js, "a1", NULL, &got), 0);
    CHECK_INT_EQ(got.status, PV_JOB_EXPIRED);
    CHECK_INT_EQ(got.expired_ms, 7000);
    CHECK(got.file_name == NULL);
    pv_job_clear(&got);
    ids[0] = '\0';
    CHECK_INT_EQ(pv_jobstore_list(js, NULL, 1u << PV_JOB_EXPIRED, 10, 0, &total, collect_ids, ids),
                 0);
    CHECK_STR_EQ(ids, "a1,");
    ids[0] = '\0';
    CHECK_INT_EQ(pv_jobstore_list(js, NULL, (1u << PV_JOB_CANCELLED) | (1u << PV_JOB_QUEUED), 10, 0,
                                  &total, collect_ids, ids),
                 0);
    CHECK_STR_EQ(ids, "a3,a2,");
    /* Second pass, a retention period later: the row goes. */
    ids[0] = '\0';
    CHECK_INT_EQ(pv_jobstore_expire(js, 7001, 9000, collect_ids, ids), 0);
    CHECK_STR_EQ(ids, ""); /* a3 was cancelled at the wall-clock time: not due */
    CHECK_INT_EQ(pv_jobstore_get(js, "a1", NULL, &got), PIVOT_ENOENT);
    CHECK_INT_EQ(pv_jobstore_get(js, "a2", NULL, &got), 0);
    pv_job_clear(&got);

    /* Priority orders an owner's own jobs; owners still take turns. */
    make_job(&job, "c1", "carol", 10000);
    job.priority = 0;
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    make_job(&job, "c2", "carol", 10001);
    job.priority = 2;
    job.idempotency_key = "key-1";
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    /* One key per owner. */
    make_job(&job, "c3", "carol", 10002);
    job.idempotency_key = "key-1";
    CHECK(pv_jobstore_insert(js, &job) != 0);
    CHECK_INT_EQ(pv_jobstore_find_idempotent(js, "carol", "key-1", &got), 0);
    CHECK_STR_EQ(got.id, "c2");
    CHECK_STR_EQ(got.idempotency_key, "key-1");
    CHECK_INT_EQ(got.priority, 2);
    pv_job_clear(&got);
    CHECK_INT_EQ(pv_jobstore_find_idempotent(js, "alice", "key-1", &got), PIVOT_ENOENT);
    {
        int64_t position = 0;
        pv_job c1;
        CHECK_INT_EQ(pv_jobstore_get(js, "c1", NULL, &c1), 0);
        CHECK_INT_EQ(pv_jobstore_queue_position(js, &c1, &position), 0);
        CHECK_INT_EQ(position, 2); /* a2 was queued before it */
        pv_job_clear(&c1);
    }
    CHECK_INT_EQ(pv_jobstore_claim_next(js, 11000, &got), 0);
    CHECK_STR_EQ(got.id, "a2"); /* alice has waited longest */
    pv_job_clear(&got);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, 11001, &got), 0);
    CHECK_STR_EQ(got.id, "c2"); /* carol's high priority before her older low one */
    pv_job_clear(&got);
    /* a2's second start was its last: its interruption fails the job. */
    CHECK_INT_EQ(pv_jobstore_requeue(js, "a2", 2, "given up after %d", 11050), 1);
    CHECK_INT_EQ(pv_jobstore_get(js, "a2", NULL, &got), 0);
    CHECK_INT_EQ(got.status, PV_JOB_FAILED);
    CHECK_INT_EQ(got.attempts, 2);
    CHECK_INT_EQ(got.finished_ms, 11050);
    CHECK_STR_EQ(got.error, "given up after 2");
    pv_job_clear(&got);

    /* Progress never goes back; files of live or recorded jobs are in use. */
    CHECK_INT_EQ(pv_jobstore_progress(js, "c2", 60, 11100), 0);
    CHECK_INT_EQ(pv_jobstore_progress(js, "c2", 10, 11200), 0);
    CHECK_INT_EQ(pv_jobstore_get(js, "c2", NULL, &got), 0);
    CHECK_INT_EQ(got.progress, 60);
    CHECK_INT_EQ(got.heartbeat_ms, 11200);
    pv_job_clear(&got);
    CHECK_INT_EQ(pv_jobstore_result_claim(js, "c2.h5.part", "c2"), PV_RESULT_IN_USE);
    CHECK_INT_EQ(pv_jobstore_result_claim(js, "zz.h5", "zz"), PV_RESULT_ORPHAN);
    make_job(&job, "c2", "carol", 0);
    job.file_name = "c2.h5";
    CHECK_INT_EQ(pv_jobstore_complete(js, &job, 11300), 0);
    CHECK_INT_EQ(pv_jobstore_result_claim(js, "c2.h5", "c2"), PV_RESULT_IN_USE);
    pv_jobstore_close(js);

    /* A store of schema 5 recorded absolute paths: opening it keeps only
     * the name, so a moved state directory still finds its results. */
    {
        sqlite3 *db;
        sqlite3_open(path, &db);
        CHECK_INT_EQ(sqlite3_exec(db,
                                  "ALTER TABLE jobs RENAME COLUMN file_name TO file_path;"
                                  "UPDATE jobs SET file_path = '/old/state/results/c2.h5' "
                                  "WHERE id = 'c2'; UPDATE schema_version SET version = 5",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
        sqlite3_close(db);
    }

    /* Reopening keeps everything; a store from a newer pivotd is refused. */
    CHECK_INT_EQ(pv_jobstore_open(path, &js, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_jobstore_get(js, "a2", NULL, &got), 0);
    pv_job_clear(&got);
    CHECK_INT_EQ(pv_jobstore_get(js, "c2", NULL, &got), 0);
    CHECK_STR_EQ(got.file_name, "c2.h5");
    pv_job_clear(&got);
    pv_jobstore_close(js);
    {
        sqlite3 *db;
        sqlite3_open(path, &db);
        sqlite3_exec(db, "UPDATE schema_version SET version = 99", NULL, NULL, NULL);
        sqlite3_close(db);
    }
    CHECK_INT_EQ(pv_jobstore_open(path, &js, err, sizeof(err)), PIVOT_ENOTSUP);
    CHECK(strstr(err, "newer") != NULL);

    {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        CHECK_INT_EQ(system(cmd), 0);
    }
    return check_report();
}
