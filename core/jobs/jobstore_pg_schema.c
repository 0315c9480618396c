/*
 * The PostgreSQL job store's schema: forward migrations, applied in order
 * under an advisory lock (several nodes may start at once) and counted in
 * schema_version, so a newer pivotd upgrades the database in place and an
 * older one refuses a newer database. The tables mirror the SQLite store's
 * (jobstore_schema.c) at its current version; `seq` stands for SQLite's
 * rowid, `owner` for the quota tables' `user`, a reserved word here.
 */
#include "jobstore_pg.h"

#include <pivot/common.h>
#include <stdio.h>
#include <string.h>

/* Held while migrating, so that nodes starting together migrate once. */
#define MIGRATE_LOCK "7300"

static const char *const migrations[] = {
    /* 1: jobs, quotas and their ledger, as SQLite's schema version 6. */
    "CREATE TABLE jobs ("
    " seq BIGSERIAL UNIQUE,"
    " id TEXT PRIMARY KEY,"
    " owner TEXT NOT NULL,"
    " status TEXT NOT NULL CHECK (status IN "
    "  ('queued','processing','completed','failed','cancelled')),"
    " request TEXT NOT NULL,"
    " spec TEXT NOT NULL,"
    " format TEXT NOT NULL,"
    " range_start_ns BIGINT NOT NULL,"
    " range_end_ns BIGINT NOT NULL,"
    " progress DOUBLE PRECISION NOT NULL DEFAULT 0,"
    " created_ms BIGINT NOT NULL,"
    " started_ms BIGINT,"
    " finished_ms BIGINT,"
    " heartbeat_ms BIGINT,"
    " worker_pid BIGINT,"
    " attempts INTEGER NOT NULL DEFAULT 0,"
    " cancel_requested INTEGER NOT NULL DEFAULT 0,"
    " file_name TEXT,"
    " file_size BIGINT,"
    " channels_exported BIGINT,"
    " samples BIGINT,"
    " actual_start_ns BIGINT,"
    " actual_end_ns BIGINT,"
    " error TEXT,"
    " expired_ms BIGINT,"
    " idempotency_key TEXT,"
    " priority INTEGER NOT NULL DEFAULT 1,"
    " result_detail TEXT);"
    "CREATE INDEX jobs_by_status ON jobs (status, created_ms);"
    "CREATE INDEX jobs_by_owner ON jobs (owner, created_ms);"
    "CREATE UNIQUE INDEX jobs_by_idempotency_key ON jobs (owner, idempotency_key)"
    " WHERE idempotency_key IS NOT NULL;"
    "CREATE INDEX jobs_by_queue ON jobs (status, owner, priority DESC, created_ms);"
    "CREATE TABLE quotas (owner TEXT PRIMARY KEY, max_running BIGINT, max_queued BIGINT,"
    " jobs_per_day BIGINT, bytes_per_day BIGINT, max_channels BIGINT, max_range_s BIGINT);"
    "CREATE TABLE quota_usage (seq BIGSERIAL PRIMARY KEY, owner TEXT NOT NULL,"
    " at_ms BIGINT NOT NULL, jobs BIGINT NOT NULL, bytes BIGINT NOT NULL);"
    "CREATE INDEX quota_usage_by_owner ON quota_usage (owner, at_ms);"
    "CREATE FUNCTION quota_count_job() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " INSERT INTO quota_usage (owner, at_ms, jobs, bytes) VALUES (NEW.owner, NEW.created_ms, 1, 0);"
    " RETURN NULL; END $$;"
    "CREATE TRIGGER quota_count_job AFTER INSERT ON jobs"
    " FOR EACH ROW EXECUTE FUNCTION quota_count_job();"
    "CREATE FUNCTION quota_count_bytes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
    " INSERT INTO quota_usage (owner, at_ms, jobs, bytes) VALUES (NEW.owner,"
    " coalesce(NEW.finished_ms, 0), 0, coalesce(NEW.file_size, 0)); RETURN NULL; END $$;"
    "CREATE TRIGGER quota_count_bytes AFTER UPDATE OF status ON jobs FOR EACH ROW"
    " WHEN (NEW.status = 'completed' AND OLD.status <> 'completed')"
    " EXECUTE FUNCTION quota_count_bytes();"
    "CREATE VIEW quota_running_full AS SELECT r.owner AS owner FROM jobs r"
    " WHERE r.status = 'processing' GROUP BY r.owner HAVING count(*) >= coalesce(nullif(coalesce("
    " (SELECT max_running FROM quotas WHERE owner = r.owner),"
    " (SELECT max_running FROM quotas WHERE owner = '*'), 0), 0), 9223372036854775807);",
    /* 2: several nodes on one store. Each processing job names the node
     * that runs it; each node beats in nodes, and the jobs of a node that
     * stopped beating are taken back by another. */
    "ALTER TABLE jobs ADD COLUMN node TEXT;"
    "CREATE INDEX jobs_by_node ON jobs (node) WHERE status = 'processing';"
    "CREATE TABLE nodes (name TEXT PRIMARY KEY, heartbeat_ms BIGINT NOT NULL,"
    " started_ms BIGINT NOT NULL);",
    /* 3: API keys shared by every node (the auth plugin's, through the
     * host's key_store), as its own auth.db holds them on one node. */
    "CREATE TABLE auth_api_keys ("
    " id TEXT PRIMARY KEY,"
    " key_hash TEXT UNIQUE NOT NULL CHECK (length(key_hash) = 64),"
    " user_name TEXT NOT NULL,"
    " role TEXT NOT NULL CHECK (role IN ('user', 'admin')),"
    " label TEXT,"
    " created_at BIGINT NOT NULL,"
    " last_used_at BIGINT,"
    " expires_at BIGINT,"
    " revoked_at BIGINT);"
    "CREATE INDEX auth_api_keys_by_user ON auth_api_keys (user_name);",
};

#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

int pv_pg_migrate(pv_pg_store *s, char *err, size_t errlen)
{
    PGresult *r = NULL;
    int version, rc = PIVOT_EIO;

    /* Every connection comes here: a current schema answers one read. */
    r = pv_pg_exec(s, "SELECT max(version) FROM schema_version", 0, NULL);
    if (r != NULL && (size_t)pv_pg_get_int(r, 0, 0) == NMIGRATIONS) {
        PQclear(r);
        return 0;
    }
    PQclear(r);
    if (pv_pg_run(s, "BEGIN", 0, NULL) != 0)
        goto out;
    s->in_transaction = 1;
    if (pv_pg_run(s, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", 0, NULL) != 0 ||
        pv_pg_run(s, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)", 0,
                  NULL) != 0)
        goto out;
    r = pv_pg_exec(s, "SELECT coalesce(max(version), 0) FROM schema_version", 0, NULL);
    if (r == NULL)
        goto out;
    version = (int)pv_pg_get_int(r, 0, 0);
    PQclear(r);
    if ((size_t)version > NMIGRATIONS) {
        snprintf(err, errlen,
                 "PostgreSQL job store schema version %d is newer than this pivotd understands "
                 "(%zu); upgrade pivotd",
                 version, NMIGRATIONS);
        rc = PIVOT_ENOTSUP;
        s->in_transaction = 0;
        PQclear(PQexec(s->conn, "ROLLBACK"));
        return rc;
    }
    for (size_t v = (size_t)version; v < NMIGRATIONS; v++) {
        char bump[96];
        /* A multi-statement text runs as one simple query. */
        r = PQexec(s->conn, migrations[v]);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            snprintf(s->message, sizeof(s->message), "%s", PQresultErrorMessage(r));
            s->message[strcspn(s->message, "\n")] = '\0';
            PQclear(r);
            goto out;
        }
        PQclear(r);
        snprintf(bump, sizeof(bump),
                 "DELETE FROM schema_version; INSERT INTO schema_version VALUES (%zu)", v + 1);
        r = PQexec(s->conn, bump);
        if (PQresultStatus(r) != PGRES_COMMAND_OK) {
            PQclear(r);
            goto out;
        }
        PQclear(r);
    }
    if (pv_pg_run(s, "COMMIT", 0, NULL) != 0)
        goto out;
    s->in_transaction = 0;
    rc = 0;
out:
    if (rc != 0) {
        snprintf(err, errlen, "PostgreSQL job store migration failed: %s", s->message);
        s->in_transaction = 0;
        PQclear(PQexec(s->conn, "ROLLBACK"));
    }
    return rc;
}
