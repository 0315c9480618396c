/*
 * Quotas: the submission decision (pv_quota_evaluate), the usage the store
 * derives from its ledger (submissions, produced bytes, when each frees),
 * per-user overrides over defaults, and the scheduler's claim skipping an
 * owner at their running-jobs cap.
 */
#include "check.h"
#include "config.h"
#include "jobstore.h"
#include "quota.h"
#include "quota_store.h"

#include <pivot/common.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NOW 1700000000000LL
#define SEC 1000000000LL

static pv_quota_limits limits(int64_t running, int64_t queued, int64_t per_day, int64_t bytes,
                              int64_t channels, int64_t range_s)
{
    pv_quota_limits l = {{running, queued, per_day, bytes, channels, range_s}, {0}};
    return l;
}

static void test_evaluate(void)
{
    pv_quota_limits lim = limits(1, 2, 3, 1000, 4, 60);
    pv_quota_usage use = {0};
    pv_quota_job job = {4, 60 * SEC};
    pv_problem pb;
    int64_t retry = -1;

    /* At every limit but none over: admitted. */
    CHECK_INT_EQ(pv_quota_evaluate(&lim, &use, &job, NOW, &pb, &retry), 0);
    CHECK_INT_EQ(retry, 0);
    use.queued = 1;
    use.jobs_day = 2;
    use.bytes_day = 999;
    CHECK_INT_EQ(pv_quota_evaluate(&lim, &use, &job, NOW, &pb, &retry), 0);
    /* Running jobs never refuse a submission: the scheduler holds them. */
    use.running = 50;
    CHECK_INT_EQ(pv_quota_evaluate(&lim, &use, &job, NOW, &pb, &retry), 0);

    /* Per-job limits: 413 naming the limit, before any rate quota. */
    use.queued = 9;
    job.channels = 5;
    CHECK_INT_EQ(pv_quota_evaluate(&lim, &use, &job, NOW, &pb, &retry), 413);
    CHECK_STR_EQ(pb.field, "max_channels_per_job");
    CHECK_STR_EQ(pb.type, "quota-job-limit");
    CHECK_INT_EQ(retry, 0);
    job.channels = 4;
    job.range_ns = 60 * SEC + 1;
    CHECK_INT_EQ(pv_quota_evaluate(&lim, &use, &job, NOW, &pb, &retry), 413);
    CHECK_STR_EQ(pb.field, "max_time_range_s");
    CHECK_STR_EQ(pb.detail, "max_time_range_s: the job's time range lasts 61 s; your quota "
                            "allows 60 s per job; split the range into several jobs");
    job.range_ns = 60 * SEC;

    /* Count quota: 429, retry in PV_QUOTA_COUNT_RETRY_S. */
    use.queued = 2;
    CHECK_INT_EQ(pv_quota_evaluate(&lim, &use, &job, NOW, &pb, &retry), 429);
    CHECK_STR_EQ(pb.field, "max_queued_jobs");
    CHECK_INT_EQ(retry, PV_QUOTA_COUNT_RETRY_S);
    use.queued = 0;

    /* Rate quotas: retry when the window frees, rounded up. */
    use.jobs_day = 3;
    use.jobs_frees_ms = NOW + 90500;
    CHECK_INT_EQ(pv_quota_evaluate(&lim, &use, &job, NOW, &pb, &retry), 429);
    CHECK_STR_EQ(pb.field, "jobs_per_day");
    CHECK_INT_EQ(retry, 91);
    CHECK_STR_EQ(pb.detail, "jobs_per_day: quota used up: 3 jobs submitted in the last 24 hours, "
                            "the limit is 3; it frees at 2023-11-14T22:14:51Z (in 91 s)");
    use.jobs_day = 0;
    use.bytes_day = 1000;
    use.bytes_frees_ms = NOW - 5; /* already past: retry at least 1 s */
    CHECK_INT_EQ(pv_quota_evaluate(&lim, &use, &job, NOW, &pb, &retry), 429);
    CHECK_STR_EQ(pb.field, "output_bytes_per_day");
    CHECK_INT_EQ(retry, 1);

    /* 0 is "no limit" for every quota. */
    lim = limits(0, 0, 0, 0, 0, 0);
    use.running = use.queued = use.jobs_day = use.bytes_day = INT64_MAX / 2;
    job.channels = 1000000;
    job.range_ns = INT64_MAX / 2;
    CHECK_INT_EQ(pv_quota_evaluate(&lim, &use, &job, NOW, &pb, &retry), 0);

    CHECK_INT_EQ(pv_quota_seconds_until(NOW + 1, NOW), 1);
    CHECK_INT_EQ(pv_quota_seconds_until(NOW + 1000, NOW), 1);
    CHECK_INT_EQ(pv_quota_seconds_until(NOW + 1001, NOW), 2);
    CHECK_INT_EQ(pv_quota_seconds_until(NOW - 10000, NOW), 1);
}

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

static void complete(pv_jobstore *js, const char *id, int64_t size, int64_t at_ms)
{
    pv_job done;
    memset(&done, 0, sizeof(done));
    snprintf(done.id, sizeof(done.id), "%s", id);
    done.file_name = "nonexistent.h5";
    done.file_size = size;
    CHECK_INT_EQ(pv_jobstore_complete(js, &done, at_ms), 0);
}

static void test_store(const char *path)
{
    pv_jobstore *js = NULL;
    pv_quota_limits defaults = limits(0, 10, 2, 1500, 0, 0), lim;
    pv_quota_usage use;
    pv_job job, claimed;
    char err[512] = "";
    int touch[PV_QUOTA_NLIMITS] = {1, 0, 1, 0, 0, 0};
    int64_t value[PV_QUOTA_NLIMITS] = {1, 0, 3, 0, 0, 0};
    pv_jobstore *db;

    CHECK_INT_EQ(pv_jobstore_open(path, &js, err, sizeof(err)), 0);
    db = js;

    /* Defaults, then an override of two limits, then one back to default. */
    CHECK_INT_EQ(pv_quota_store_limits(db, "ann", &defaults, &lim), 0);
    CHECK_INT_EQ(lim.value[PV_QUOTA_JOBS_PER_DAY], 2);
    CHECK_INT_EQ(lim.overridden[PV_QUOTA_JOBS_PER_DAY], 0);
    CHECK_INT_EQ(pv_quota_store_set(db, "ann", touch, value, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_quota_store_limits(db, "ann", &defaults, &lim), 0);
    CHECK_INT_EQ(lim.value[PV_QUOTA_MAX_RUNNING], 1);
    CHECK_INT_EQ(lim.value[PV_QUOTA_JOBS_PER_DAY], 3);
    CHECK_INT_EQ(lim.overridden[PV_QUOTA_JOBS_PER_DAY], 1);
    CHECK_INT_EQ(lim.value[PV_QUOTA_MAX_QUEUED], 10);
    CHECK_INT_EQ(lim.overridden[PV_QUOTA_MAX_QUEUED], 0);
    memset(touch, 0, sizeof(touch));
    touch[PV_QUOTA_JOBS_PER_DAY] = 1;
    value[PV_QUOTA_JOBS_PER_DAY] = -1;
    CHECK_INT_EQ(pv_quota_store_set(db, "ann", touch, value, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_quota_store_limits(db, "ann", &defaults, &lim), 0);
    CHECK_INT_EQ(lim.value[PV_QUOTA_JOBS_PER_DAY], 2);
    CHECK_INT_EQ(lim.value[PV_QUOTA_MAX_RUNNING], 1);

    /* Three submissions an hour apart, the last just now; two complete. */
    make_job(&job, "j1", "ann", NOW - 3 * 3600000);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    make_job(&job, "j2", "ann", NOW - 2 * 3600000);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    make_job(&job, "j3", "ann", NOW - 1000);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    /* A submission (and result) exactly a window old no longer counts. */
    make_job(&job, "old", "ann", NOW - PV_QUOTA_WINDOW_MS);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW - 3 * 3600000, &claimed), 0);
    CHECK_STR_EQ(claimed.id, "old");
    pv_job_clear(&claimed);
    complete(js, "old", 5000, NOW - PV_QUOTA_WINDOW_MS);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW, &claimed), 0);
    CHECK_STR_EQ(claimed.id, "j1");
    pv_job_clear(&claimed);
    complete(js, "j1", 1000, NOW - 3 * 3600000 + 60000);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW, &claimed), 0);
    CHECK_STR_EQ(claimed.id, "j2");
    pv_job_clear(&claimed);
    complete(js, "j2", 700, NOW - 2 * 3600000 + 60000);

    CHECK_INT_EQ(pv_quota_store_limits(db, "ann", &defaults, &lim), 0);
    CHECK_INT_EQ(pv_quota_store_usage(db, "ann", &lim, NOW, &use), 0);
    CHECK_INT_EQ(use.running, 0);
    CHECK_INT_EQ(use.queued, 1);
    CHECK_INT_EQ(use.jobs_day, 3);
    CHECK_INT_EQ(use.bytes_day, 1700);
    /* 3 submissions, limit 2: below it once the 2nd oldest (j2) leaves. */
    CHECK_INT_EQ(use.jobs_frees_ms, NOW - 2 * 3600000 + PV_QUOTA_WINDOW_MS);
    /* 1700 bytes, limit 1500: below it once j1's 1000 bytes leave. */
    CHECK_INT_EQ(use.bytes_frees_ms, NOW - 3 * 3600000 + 60000 + PV_QUOTA_WINDOW_MS);
    /* Deleting finished jobs gives no quota back. */
    {
        pv_cancel_outcome outcome;
        char *file = NULL;
        CHECK_INT_EQ(pv_jobstore_cancel(js, "j1", NULL, &outcome, &file), 0);
        CHECK_INT_EQ(outcome, PV_CANCEL_DELETED);
        free(file);
    }
    CHECK_INT_EQ(pv_quota_store_usage(db, "ann", &lim, NOW, &use), 0);
    CHECK_INT_EQ(use.jobs_day, 3);
    CHECK_INT_EQ(use.bytes_day, 1700);
    /* Within the limits, nothing frees. */
    lim.value[PV_QUOTA_JOBS_PER_DAY] = 4;
    lim.value[PV_QUOTA_BYTES_PER_DAY] = 1701;
    CHECK_INT_EQ(pv_quota_store_usage(db, "ann", &lim, NOW, &use), 0);
    CHECK_INT_EQ(use.jobs_frees_ms, 0);
    CHECK_INT_EQ(use.bytes_frees_ms, 0);

    /* The claim: ann may run one job at a time, bob (default: no cap) any. */
    make_job(&job, "j4", "ann", NOW);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    make_job(&job, "b1", "bob", NOW + 1);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    make_job(&job, "b2", "bob", NOW + 2);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW, &claimed), 0);
    CHECK_STR_EQ(claimed.id, "j3");
    pv_job_clear(&claimed);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW, &claimed), 0);
    CHECK_STR_EQ(claimed.id, "b1");
    pv_job_clear(&claimed);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW, &claimed), 0);
    CHECK_STR_EQ(claimed.id, "b2");
    pv_job_clear(&claimed);
    /* j4 waits while j3 runs. */
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW, &claimed), PIVOT_ENOENT);
    /* The published default caps bob as well. */
    defaults.value[PV_QUOTA_MAX_RUNNING] = 2;
    CHECK_INT_EQ(pv_quota_store_publish_defaults(db, &defaults, err, sizeof(err)), 0);
    make_job(&job, "b3", "bob", NOW + 3);
    CHECK_INT_EQ(pv_jobstore_insert(js, &job), 0);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW, &claimed), PIVOT_ENOENT);
    complete(js, "j3", 10, NOW);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW, &claimed), 0);
    CHECK_STR_EQ(claimed.id, "j4");
    pv_job_clear(&claimed);
    complete(js, "b1", 10, NOW);
    CHECK_INT_EQ(pv_jobstore_claim_next(js, NOW, &claimed), 0);
    CHECK_STR_EQ(claimed.id, "b3");
    pv_job_clear(&claimed);
    pv_jobstore_close(js);
}

static void test_config_defaults(void)
{
    pv_config cfg;
    pv_quota_limits lim;
    char err[256] = "";

    CHECK_INT_EQ(pv_config_defaults(&cfg), 0);
    CHECK_INT_EQ(pv_config_set(&cfg, "quotas.max_time_range", "2h", err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_config_set(&cfg, "quotas.output_bytes_per_day", "5000000000", err, sizeof(err)),
                 0);
    CHECK(pv_config_set(&cfg, "quotas.max_running_jobs", "-1", err, sizeof(err)) != 0);
    pv_quota_defaults(&cfg, &lim);
    CHECK_INT_EQ(lim.value[PV_QUOTA_MAX_RUNNING], 0);
    CHECK_INT_EQ(lim.value[PV_QUOTA_MAX_QUEUED], 100);
    CHECK_INT_EQ(lim.value[PV_QUOTA_JOBS_PER_DAY], 1000);
    CHECK_INT_EQ(lim.value[PV_QUOTA_BYTES_PER_DAY], 5000000000LL);
    CHECK_INT_EQ(lim.value[PV_QUOTA_MAX_CHANNELS], 0);
    CHECK_INT_EQ(lim.value[PV_QUOTA_MAX_RANGE], 7200);
    pv_config_free(&cfg);
}

int main(void)
{
    char dir[] = "/tmp/pivot-quota-XXXXXX", path[256], file[300];
    const char *suffixes[] = {"", "-wal", "-shm"};

    if (mkdtemp(dir) == NULL)
        return 2;
    snprintf(path, sizeof(path), "%s/jobs.db", dir);
    test_evaluate();
    test_store(path);
    test_config_defaults();
    for (int i = 0; i < 3; i++) {
        snprintf(file, sizeof(file), "%s%s", path, suffixes[i]);
        unlink(file);
    }
    rmdir(dir);
    return check_report();
}
