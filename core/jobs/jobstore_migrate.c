/*
 * `pivotd jobs migrate`: the SQLite store's rows into PostgreSQL. The SQLite
 * file is opened (and migrated) through its backend first, so that its
 * schema is the current one, whose columns the PostgreSQL schema mirrors.
 */
#include "jobstore_migrate.h"

#include "jobstore_internal.h"
#include "jobstore_pg.h"

#include <pivot/common.h>
#include <stdio.h>
#include <string.h>

/* One table's copy: the SELECT on SQLite and the INSERT of its columns. */
typedef struct table_copy {
    const char *name;
    const char *select;
    const char *insert;
    int ncols;
} table_copy;

static const table_copy tables[] = {
    {"jobs", "SELECT " JOB_COLUMNS " FROM jobs ORDER BY rowid",
     "INSERT INTO jobs (" PG_JOB_COLUMNS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
     "$11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)",
     27},
    {"quotas",
     "SELECT user, max_running, max_queued, jobs_per_day, bytes_per_day, max_channels, "
     "max_range_s FROM quotas",
     "INSERT INTO quotas (owner, max_running, max_queued, jobs_per_day, bytes_per_day, "
     "max_channels, max_range_s) VALUES ($1, $2, $3, $4, $5, $6, $7) "
     "ON CONFLICT (owner) DO UPDATE SET max_running = $2, max_queued = $3, jobs_per_day = $4, "
     "bytes_per_day = $5, max_channels = $6, max_range_s = $7",
     7},
    {"quota_usage", "SELECT user, at_ms, jobs, bytes FROM quota_usage ORDER BY rowid",
     "INSERT INTO quota_usage (owner, at_ms, jobs, bytes) VALUES ($1, $2, $3, $4)", 4},
};

/* The auth plugin's keys (<state_dir>/auth.db), their hash as hex text. */
static const table_copy keys_table = {
    "api_keys",
    "SELECT id, lower(hex(key_hash)), user, role, label, created_at, last_used_at, expires_at, "
    "revoked_at FROM api_keys ORDER BY created_at, id",
    "INSERT INTO auth_api_keys (id, key_hash, user_name, role, label, created_at, last_used_at, "
    "expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    9};

static int copy_table(sqlite3 *db, pv_pg_store *pg, const table_copy *t, int64_t *count, char *err,
                      size_t errlen)
{
    sqlite3_stmt *st = NULL;
    const char *p[32];
    int rc = PIVOT_EIO, step;

    if (sqlite3_prepare_v2(db, t->select, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "reading %s from the SQLite store: %s", t->name, sqlite3_errmsg(db));
        goto out;
    }
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < t->ncols; i++)
            p[i] = (const char *)sqlite3_column_text(st, i);
        if (pv_pg_run(pg, t->insert, t->ncols, p) != 0) {
            snprintf(err, errlen, "writing %s into PostgreSQL: %s", t->name, pg->message);
            goto out;
        }
        (*count)++;
    }
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "reading %s from the SQLite store: %s", t->name, sqlite3_errmsg(db));
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

int pv_jobstore_copy_to_pg(const char *sqlite_path, const char *auth_path, const char *uri,
                           pv_migrate_counts *counts, char *err, size_t errlen)
{
    pv_jobstore *from = NULL, *to = NULL;
    sqlite3 *auth = NULL;
    pv_pg_store *pg;
    PGresult *r;
    int64_t *count[] = {&counts->jobs, &counts->quotas, &counts->quota_usage};
    int rc;

    memset(counts, 0, sizeof(*counts));
    rc = pv_jobstore_sqlite_open(sqlite_path, &from, err, errlen);
    if (rc != 0)
        goto out;
    rc = pv_jobstore_pg_open(uri, &to, err, errlen);
    if (rc != 0)
        goto out;
    pg = PG(to);
    rc = PIVOT_EIO;
    if (pv_pg_run(pg, "BEGIN", 0, NULL) != 0)
        goto failed;
    pg->in_transaction = 1;
    /* Two sites' jobs must not mix, nor a migration run twice. */
    r = pv_pg_exec(pg, "SELECT count(*) FROM jobs", 0, NULL);
    if (r == NULL)
        goto failed;
    if (pv_pg_get_int(r, 0, 0) > 0) {
        snprintf(err, errlen,
                 "the PostgreSQL job store already holds %lld jobs: migrate into an empty "
                 "database (nothing was copied)",
                 (long long)pv_pg_get_int(r, 0, 0));
        PQclear(r);
        rc = PIVOT_EEXIST;
        goto out;
    }
    PQclear(r);
    /* The ledger is copied as it stands: the insert trigger would count
     * every copied job as a new submission. */
    if (pv_pg_run(pg, "ALTER TABLE jobs DISABLE TRIGGER quota_count_job", 0, NULL) != 0)
        goto failed;
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        rc = copy_table(SQ(from)->db, pg, &tables[i], count[i], err, errlen);
        if (rc != 0)
            goto out;
    }
    if (auth_path != NULL) {
        if (sqlite3_open_v2(auth_path, &auth, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
            snprintf(err, errlen, "cannot open the API keys in %s: %s (nothing was copied)",
                     auth_path, auth != NULL ? sqlite3_errmsg(auth) : "out of memory");
            rc = PIVOT_EIO;
            goto out;
        }
        rc = copy_table(auth, pg, &keys_table, &counts->api_keys, err, errlen);
        if (rc != 0)
            goto out;
    }
    rc = PIVOT_EIO;
    if (pv_pg_run(pg, "ALTER TABLE jobs ENABLE TRIGGER quota_count_job", 0, NULL) != 0 ||
        pv_pg_run(pg, "COMMIT", 0, NULL) != 0)
        goto failed;
    pg->in_transaction = 0;
    rc = 0;
    goto out;
failed:
    snprintf(err, errlen, "PostgreSQL: %s (nothing was copied)", pg->message);
out:
    if (to != NULL)
        to->ops->rollback(to);
    pv_jobstore_close(to);
    pv_jobstore_close(from);
    sqlite3_close(auth);
    return rc;
}
