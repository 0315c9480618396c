/*
 * The job store's schema: forward migrations, applied in order and counted
 * in schema_version, so that a newer pivotd upgrades an older store in place
 * and an older one refuses a newer store.
 */
#include "jobstore_schema.h"

#include <pivot/common.h>
#include <stdio.h>

/* Forward migrations, applied in order; schema_version counts those applied. */
static const char *const migrations[] = {
    "CREATE TABLE jobs ("
    " id TEXT PRIMARY KEY,"
    " owner TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN "
    "  ('queued','processing','completed','failed','cancelled')),"
    " request TEXT NOT NULL,"
    " spec TEXT NOT NULL,"
    " format TEXT NOT NULL,"
    " range_start_ns INTEGER NOT NULL,"
    " range_end_ns INTEGER NOT NULL,"
    " progress REAL NOT NULL DEFAULT 0,"
    " created_ms INTEGER NOT NULL,"
    " started_ms INTEGER,"
    " finished_ms INTEGER,"
    " heartbeat_ms INTEGER,"
    " worker_pid INTEGER,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " cancel_requested INTEGER NOT NULL DEFAULT 0,"
    " file_path TEXT,"
    " file_size INTEGER,"
    " channels_exported INTEGER,"
    " samples INTEGER,"
    " actual_start_ns INTEGER,"
    " actual_end_ns INTEGER,"
    " error TEXT);"
    "CREATE INDEX jobs_by_status ON jobs (status, created_ms);"
    "CREATE INDEX jobs_by_owner ON jobs (owner, created_ms);",
    /* 2: retention tombstones, idempotent submission, priorities. */
    "ALTER TABLE jobs ADD COLUMN expired_ms INTEGER;"
    "ALTER TABLE jobs ADD COLUMN idempotency_key TEXT;"
    "ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;"
    "CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs (owner, idempotency_key) "
    " WHERE idempotency_key IS NOT NULL;",
    /* 3: the scheduler's claim reads the queue by owner and priority. */
    "CREATE INDEX jobs_by_queue ON jobs (status, owner, priority DESC, created_ms);",
    /* 4: per-user quotas (quota_store.c): overrides per user (user '*' holds
     * the server's configured defaults), a ledger of submissions and produced
     * bytes filled by triggers (it survives the deletion of jobs, so deleting
     * jobs does not give quota back), and the owners at their running cap,
     * which the claim skips. A NULL limit is the default, 0 no limit. */
    "CREATE TABLE quotas (user TEXT PRIMARY KEY, max_running INTEGER, max_queued INTEGER,"
    " jobs_per_day INTEGER, bytes_per_day INTEGER, max_channels INTEGER, max_range_s INTEGER);"
    "CREATE TABLE quota_usage (user TEXT NOT NULL, at_ms INTEGER NOT NULL,"
    " jobs INTEGER NOT NULL, bytes INTEGER NOT NULL);"
    "CREATE INDEX quota_usage_by_user ON quota_usage (user, at_ms);"
    "CREATE TRIGGER quota_count_job AFTER INSERT ON jobs BEGIN"
    " INSERT INTO quota_usage VALUES (NEW.owner, NEW.created_ms, 1, 0); END;"
    "CREATE TRIGGER quota_count_bytes AFTER UPDATE OF status ON jobs"
    " WHEN NEW.status = 'completed' AND OLD.status <> 'completed' BEGIN"
    " INSERT INTO quota_usage VALUES (NEW.owner, coalesce(NEW.finished_ms, 0), 0,"
    " coalesce(NEW.file_size, 0)); END;"
    "CREATE VIEW quota_running_full AS SELECT r.owner AS owner FROM jobs r"
    " WHERE r.status = 'processing' GROUP BY r.owner HAVING count(*) >= ifnull(nullif(coalesce("
    " (SELECT max_running FROM quotas WHERE user = r.owner),"
    " (SELECT max_running FROM quotas WHERE user = '*'), 0), 0), 9223372036854775807);",
    /* 5: the result's detail (per channel counts and times, channels
     * without data, source warnings) as the JSON the API shows. */
    "ALTER TABLE jobs ADD COLUMN result_detail TEXT;",
    /* 6: the result file is named relative to <state_dir>/results (its
     * last path component), so that a state directory moved or restored
     * elsewhere still finds its results. The old absolute paths are cut
     * to their base name: rtrim() with every character but '/' strips the
     * name, leaving the directory part whose length is skipped. */
    "ALTER TABLE jobs RENAME COLUMN file_path TO file_name;"
    "UPDATE jobs SET file_name = substr(file_name,"
    " length(rtrim(file_name, replace(file_name, '/', ''))) + 1)"
    " WHERE file_name LIKE '%/%';",
};

int pv_jobstore_migrate(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int version = 0, rc = PIVOT_EIO;
    char *msg = NULL;
    size_t target = sizeof(migrations) / sizeof(migrations[0]);

    /* Every connection (each HTTP thread, each worker) comes here: when the
     * schema is current, a plain read answers without taking the write
     * lock, so opening never queues behind, or blocks, other writers. */
    if (sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_version", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && (size_t)sqlite3_column_int(st, 0) == target) {
        sqlite3_finalize(st);
        return 0;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK)
        goto out;
    if (sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
                     NULL, NULL, &msg) != SQLITE_OK)
        goto out;
    if (sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_version", -1, &st, NULL) !=
            SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW)
        goto out;
    version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    st = NULL;
    if ((size_t)version > target) {
        snprintf(err, errlen,
                 "job store schema version %d is newer than this pivotd understands (%zu); "
                 "upgrade pivotd",
                 version, target);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return PIVOT_ENOTSUP;
    }
    for (size_t v = (size_t)version; v < target; v++) {
        char bump[96];
        if (sqlite3_exec(db, migrations[v], NULL, NULL, &msg) != SQLITE_OK)
            goto out;
        snprintf(bump, sizeof(bump),
                 "DELETE FROM schema_version; INSERT INTO schema_version "
                 "VALUES (%zu)",
                 v + 1);
        if (sqlite3_exec(db, bump, NULL, NULL, &msg) != SQLITE_OK)
            goto out;
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK)
        goto out;
    rc = 0;
out:
    if (rc != 0) {
        snprintf(err, errlen, "job store migration failed: %s", msg ? msg : sqlite3_errmsg(db));
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    sqlite3_free(msg);
    sqlite3_finalize(st);
    return rc;
}
