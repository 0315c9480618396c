/*
 * The api_keys table in the plugin's own database file: schema, the
 * one-time move of the keys from the server's job store, per-thread
 * connections and the queries.
 */
#include "key_store.h"

#include "key_store_shared.h"

#include <pivot/common.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writers (key creation, last-use updates, the server's job updates) hold
 * the WAL write lock briefly; waiting this long beats failing a request. */
#define BUSY_TIMEOUT_MS 5000

static const char schema_sql[] = "CREATE TABLE IF NOT EXISTS api_keys ("
                                 " id TEXT PRIMARY KEY,"
                                 " key_hash BLOB UNIQUE NOT NULL CHECK (length(key_hash) = 32),"
                                 " user TEXT NOT NULL,"
                                 " role TEXT NOT NULL CHECK (role IN ('user', 'admin')),"
                                 " label TEXT,"
                                 " created_at INTEGER NOT NULL,"
                                 " last_used_at INTEGER,"
                                 " expires_at INTEGER,"
                                 " revoked_at INTEGER);"
                                 "CREATE INDEX IF NOT EXISTS api_keys_user ON api_keys (user);";

static const char find_sql[] = "SELECT key_hash, user, role, revoked_at IS NOT NULL, expires_at,"
                               " last_used_at FROM api_keys WHERE id = ?1";
static const char touch_sql[] = "UPDATE api_keys SET last_used_at = ?2 WHERE id = ?1"
                                " AND (last_used_at IS NULL OR last_used_at <= ?2 - ?3)";
static const char insert_sql[] =
    "INSERT INTO api_keys (id, key_hash, user, role, created_at, label, expires_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, 0))";
static const char list_sql[] = "SELECT id, user, role, label, created_at, last_used_at,"
                               " expires_at, revoked_at FROM api_keys ORDER BY created_at, id";
/* Revoking twice keeps the first time: it is the one that matters. */
static const char revoke_sql[] = "UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?2)"
                                 " WHERE id = ?1";

/*
 * Until this version the table lived in the server's jobs.db. The first
 * open of the new file copies it over, in one transaction that also sets
 * user_version, so that it happens once even when a `pivotd keys` command
 * and the server open the store at the same time; afterwards the old table
 * is dropped, so that a revocation made here cannot be undone by an older
 * server reading the stale copy (an older server then knows no key: it
 * fails closed).
 */
#define STORE_VERSION 1
static const char copy_legacy_sql[] =
    "INSERT OR IGNORE INTO api_keys (id, key_hash, user, role, label, created_at,"
    " last_used_at, expires_at, revoked_at) SELECT id, key_hash, user, role, label,"
    " created_at, last_used_at, expires_at, revoked_at FROM legacy.api_keys";

/* One thread's connection and its prepared statements. */
typedef struct ak_conn {
    struct ak_conn *next; /**< registry link */
    pthread_t owner;      /**< the thread that uses it */
    sqlite3 *db;
    sqlite3_stmt *find;
    sqlite3_stmt *touch;
    sqlite3_stmt *insert;
} ak_conn;

struct ak_store {
    const pivot_key_store *shared; /**< the host's, for every node; NULL: the file at path */
    uint64_t instance;             /**< unique per store in this process; keys the thread cache */
    pthread_mutex_t lock;          /**< guards conns */
    ak_conn *conns;                /**< every connection opened for this store */
    char path[];                   /**< the database file */
};

/* Stores get distinct numbers, so a thread's cache can never point into a
 * store that was closed and whose memory was reused for a new one. */
static atomic_uint_fast64_t next_instance = 1;
static _Thread_local uint64_t cached_instance;
static _Thread_local ak_conn *cached_conn;

/* Opens the store's file; only ak_store_open creates it (flags). */
static int db_open(const char *path, int flags, sqlite3 **out, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    int rc = 0;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | flags, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot open the key store %s: %s", path,
                 db ? sqlite3_errmsg(db) : "out of memory");
        rc = PIVOT_EIO;
        goto out;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
out:
    if (rc != 0) {
        sqlite3_close(db);
        db = NULL;
    }
    *out = db;
    return rc;
}

static void conn_free(ak_conn *c)
{
    if (c == NULL)
        return;
    sqlite3_finalize(c->find);
    sqlite3_finalize(c->touch);
    sqlite3_finalize(c->insert);
    sqlite3_close(c->db);
    free(c);
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err, size_t errlen)
{
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot prepare a query on the api_keys table: %s",
                 sqlite3_errmsg(db));
        return PIVOT_EIO;
    }
    return 0;
}

static int conn_open(const ak_store *store, ak_conn **out, char *err, size_t errlen)
{
    ak_conn *c = calloc(1, sizeof(*c));
    int rc = 0;

    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = PIVOT_ENOMEM;
        goto out;
    }
    c->owner = pthread_self();
    if ((rc = db_open(store->path, 0, &c->db, err, errlen)) != 0 ||
        (rc = prepare(c->db, find_sql, &c->find, err, errlen)) != 0 ||
        (rc = prepare(c->db, touch_sql, &c->touch, err, errlen)) != 0 ||
        (rc = prepare(c->db, insert_sql, &c->insert, err, errlen)) != 0)
        goto out;
out:
    if (rc != 0) {
        conn_free(c);
        c = NULL;
    }
    *out = c;
    return rc;
}

/* Returns the calling thread's connection, opening it on first use. */
static ak_conn *thread_conn(ak_store *store, char *err, size_t errlen)
{
    pthread_t self = pthread_self();
    ak_conn *c = NULL;

    if (cached_conn != NULL && cached_instance == store->instance)
        return cached_conn;
    /* A miss happens once per thread, or when one thread alternates
     * between stores: look for a connection this thread opened before. */
    pthread_mutex_lock(&store->lock);
    for (c = store->conns; c != NULL; c = c->next) {
        if (pthread_equal(c->owner, self))
            break;
    }
    pthread_mutex_unlock(&store->lock);
    if (c == NULL) {
        if (conn_open(store, &c, err, errlen) != 0)
            return NULL;
        pthread_mutex_lock(&store->lock);
        c->next = store->conns;
        store->conns = c;
        pthread_mutex_unlock(&store->lock);
    }
    cached_instance = store->instance;
    cached_conn = c;
    return c;
}

static int exec(sqlite3 *db, const char *sql, const char *what, char *err, size_t errlen)
{
    char *msg = NULL;
    int rc = 0;

    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", what, msg ? msg : sqlite3_errmsg(db));
        rc = PIVOT_EIO;
    }
    sqlite3_free(msg);
    return rc;
}

/* An integer the query returns in its first row, or -1. */
static int64_t query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    int64_t v = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* Whether the attached legacy database has an api_keys table. */
static int legacy_has_keys(sqlite3 *db)
{
    return query_int(db, "SELECT count(*) FROM legacy.sqlite_master"
                         " WHERE type = 'table' AND name = 'api_keys'") > 0;
}

/* Copies the keys of the legacy job store at legacy_path, once; see
 * copy_legacy_sql. A missing legacy file is a new installation. */
static int migrate(sqlite3 *db, const char *legacy_path, int64_t *moved, char *err, size_t errlen)
{
    char *sql = NULL;
    int rc = 0, attached = 0, began = 0;

    if (legacy_path == NULL || access(legacy_path, F_OK) != 0)
        goto out;
    sql = sqlite3_mprintf("ATTACH DATABASE %Q AS legacy", legacy_path);
    if (sql == NULL || (rc = exec(db, sql, "cannot read the job store's keys", err, errlen)) != 0)
        goto out;
    attached = 1;
    /* Immediate: a second process waits here, then finds the version set. */
    if ((rc = exec(db, "BEGIN IMMEDIATE", "cannot lock the key store", err, errlen)) != 0)
        goto out;
    began = 1;
    if (query_int(db, "PRAGMA main.user_version") < STORE_VERSION) {
        if (legacy_has_keys(db)) {
            if ((rc = exec(db, copy_legacy_sql, "cannot copy the keys of the job store", err,
                           errlen)) != 0)
                goto out;
            *moved = sqlite3_changes(db);
        }
        if ((rc = exec(db, "PRAGMA main.user_version = 1", "cannot mark the key store", err,
                       errlen)) != 0)
            goto out;
    }
    if ((rc = exec(db, "COMMIT", "cannot save the keys moved from the job store", err, errlen)) !=
        0)
        goto out;
    began = 0;
    /* Copied and committed: the old table goes (idempotent if a crash came
     * between the two). */
    if (legacy_has_keys(db))
        rc = exec(db, "DROP TABLE legacy.api_keys", "cannot drop the job store's old key table",
                  err, errlen);
out:
    if (began)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (attached)
        sqlite3_exec(db, "DETACH DATABASE legacy", NULL, NULL, NULL);
    sqlite3_free(sql);
    return rc;
}

int ak_store_open(const char *path, const char *legacy_path, ak_store **out, int64_t *moved,
                  char *err, size_t errlen)
{
    size_t pathlen = strlen(path);
    ak_store *store = calloc(1, sizeof(*store) + pathlen + 1);
    sqlite3 *db = NULL;
    int rc = 0;

    *moved = 0;
    if (store == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = PIVOT_ENOMEM;
        goto out;
    }
    memcpy(store->path, path, pathlen + 1);
    store->instance = atomic_fetch_add(&next_instance, 1);
    pthread_mutex_init(&store->lock, NULL);
    if ((rc = db_open(path, SQLITE_OPEN_CREATE, &db, err, errlen)) != 0)
        goto out;
    /* WAL, as the job store: readers (every request) never wait on a key
     * being created or a last use being recorded. */
    if ((rc = exec(db, "PRAGMA journal_mode=WAL", "cannot set up the key store", err, errlen)) !=
            0 ||
        (rc = exec(db, schema_sql, "cannot create the api_keys table", err, errlen)) != 0 ||
        (rc = migrate(db, legacy_path, moved, err, errlen)) != 0)
        goto out;
out:
    sqlite3_close(db);
    if (rc != 0 && store != NULL) {
        ak_store_close(store);
        store = NULL;
    }
    *out = store;
    return rc;
}

void ak_store_close(ak_store *store)
{
    ak_conn *c, *next;

    if (store == NULL)
        return;
    for (c = store->conns; c != NULL; c = next) {
        next = c->next;
        conn_free(c);
    }
    /* Only this thread's cache can be cleared; the others hold a stale
     * instance number that no store will ever match again. */
    if (cached_instance == store->instance) {
        cached_instance = 0;
        cached_conn = NULL;
    }
    pthread_mutex_destroy(&store->lock);
    free(store);
}

static int copy_text(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    size_t n = (size_t)sqlite3_column_bytes(st, col);

    /* Truncating a user name could turn it into another user's: refuse. */
    if (text == NULL || n >= outlen)
        return PIVOT_ERANGE;
    memcpy(out, text, n);
    out[n] = '\0';
    return 0;
}

int ak_store_open_shared(const pivot_key_store *shared, ak_store **out)
{
    ak_store *store = calloc(1, sizeof(*store) + 1);

    if (store == NULL)
        return PIVOT_ENOMEM;
    store->shared = shared;
    store->instance = atomic_fetch_add(&next_instance, 1);
    pthread_mutex_init(&store->lock, NULL);
    *out = store;
    return 0;
}

int ak_store_find(ak_store *store, const char *id, ak_key_row *row, char *err, size_t errlen)
{
    if (store->shared != NULL)
        return ak_shared_find(store->shared, id, row, err, errlen);
    ak_conn *c = thread_conn(store, err, errlen);
    int rc = 0, step;

    if (c == NULL)
        return PIVOT_EIO;
    memset(row, 0, sizeof(*row));
    sqlite3_bind_text(c->find, 1, id, -1, SQLITE_STATIC);
    step = sqlite3_step(c->find);
    if (step == SQLITE_DONE) {
        rc = PIVOT_ENOENT;
        goto out;
    }
    if (step != SQLITE_ROW) {
        snprintf(err, errlen, "cannot read the api_keys table: %s", sqlite3_errmsg(c->db));
        rc = PIVOT_EIO;
        goto out;
    }
    if (sqlite3_column_bytes(c->find, 0) != AK_HASH_LEN ||
        copy_text(c->find, 1, row->user, sizeof(row->user)) != 0 ||
        copy_text(c->find, 2, row->role, sizeof(row->role)) != 0) {
        snprintf(err, errlen, "api key %s has a malformed row", id);
        rc = PIVOT_EIO;
        goto out;
    }
    memcpy(row->hash, sqlite3_column_blob(c->find, 0), AK_HASH_LEN);
    row->revoked = sqlite3_column_int(c->find, 3) != 0;
    row->has_expiry = sqlite3_column_type(c->find, 4) != SQLITE_NULL;
    row->expires_at = sqlite3_column_int64(c->find, 4);
    row->has_last_used = sqlite3_column_type(c->find, 5) != SQLITE_NULL;
    row->last_used_at = sqlite3_column_int64(c->find, 5);
out:
    /* Resetting ends the read transaction, so the WAL can be checkpointed. */
    sqlite3_reset(c->find);
    return rc;
}

int ak_store_touch(ak_store *store, const char *id, int64_t now, int64_t interval, char *err,
                   size_t errlen)
{
    if (store->shared != NULL)
        return ak_shared_touch(store->shared, id, now, interval, err, errlen);
    ak_conn *c = thread_conn(store, err, errlen);
    int rc = 0;

    if (c == NULL)
        return PIVOT_EIO;
    sqlite3_bind_text(c->touch, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(c->touch, 2, now);
    sqlite3_bind_int64(c->touch, 3, interval);
    if (sqlite3_step(c->touch) != SQLITE_DONE) {
        snprintf(err, errlen, "cannot record the use of api key %s: %s", id, sqlite3_errmsg(c->db));
        rc = PIVOT_EIO;
    }
    sqlite3_reset(c->touch);
    return rc;
}

int ak_store_insert(ak_store *store, const char *id, const uint8_t hash[AK_HASH_LEN],
                    const char *user, const char *role, const char *label, int64_t expires_at,
                    int64_t now, char *err, size_t errlen)
{
    if (store->shared != NULL)
        return ak_shared_insert(store->shared, id, hash, user, role, label, expires_at, now, err,
                                errlen);
    ak_conn *c = thread_conn(store, err, errlen);
    int rc = 0, step;

    if (c == NULL)
        return PIVOT_EIO;
    sqlite3_bind_text(c->insert, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_blob(c->insert, 2, hash, AK_HASH_LEN, SQLITE_STATIC);
    sqlite3_bind_text(c->insert, 3, user, -1, SQLITE_STATIC);
    sqlite3_bind_text(c->insert, 4, role, -1, SQLITE_STATIC);
    sqlite3_bind_int64(c->insert, 5, now);
    if (label != NULL)
        sqlite3_bind_text(c->insert, 6, label, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(c->insert, 6);
    sqlite3_bind_int64(c->insert, 7, expires_at);
    step = sqlite3_step(c->insert);
    if (step == SQLITE_CONSTRAINT &&
        (sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_PRIMARYKEY ||
         sqlite3_extended_errcode(c->db) == SQLITE_CONSTRAINT_UNIQUE)) {
        snprintf(err, errlen, "api key %s already exists", id);
        rc = PIVOT_EEXIST;
    } else if (step != SQLITE_DONE) {
        snprintf(err, errlen, "cannot store a new api key: %s", sqlite3_errmsg(c->db));
        rc = PIVOT_EIO;
    }
    sqlite3_reset(c->insert);
    /* The statement keeps no pointer to the caller's buffers past this call. */
    sqlite3_clear_bindings(c->insert);
    return rc;
}

/* Listing and revoking are rare administrative calls: their statements are
 * prepared per call rather than kept on every thread's connection. */
int ak_store_list(ak_store *store, ak_list_fn visit, void *arg, char *err, size_t errlen)
{
    if (store->shared != NULL)
        return ak_shared_list(store->shared, visit, arg, err, errlen);
    ak_conn *c = thread_conn(store, err, errlen);
    sqlite3_stmt *st = NULL;
    int rc = 0, step;

    if (c == NULL)
        return PIVOT_EIO;
    if ((rc = prepare(c->db, list_sql, &st, err, errlen)) != 0)
        goto out;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ak_key_listing k = {(const char *)sqlite3_column_text(st, 0),
                            (const char *)sqlite3_column_text(st, 1),
                            (const char *)sqlite3_column_text(st, 2),
                            (const char *)sqlite3_column_text(st, 3),
                            sqlite3_column_int64(st, 4),
                            sqlite3_column_int64(st, 5),
                            sqlite3_column_int64(st, 6),
                            sqlite3_column_int64(st, 7)};
        if (visit(arg, &k) != 0)
            goto out;
    }
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "cannot read the api_keys table: %s", sqlite3_errmsg(c->db));
        rc = PIVOT_EIO;
    }
out:
    sqlite3_finalize(st);
    return rc;
}

int ak_store_revoke(ak_store *store, const char *id, int64_t now, char *err, size_t errlen)
{
    if (store->shared != NULL)
        return ak_shared_revoke(store->shared, id, now, err, errlen);
    ak_conn *c = thread_conn(store, err, errlen);
    sqlite3_stmt *st = NULL;
    int rc = 0;

    if (c == NULL)
        return PIVOT_EIO;
    if ((rc = prepare(c->db, revoke_sql, &st, err, errlen)) != 0)
        goto out;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    if (sqlite3_step(st) != SQLITE_DONE) {
        snprintf(err, errlen, "cannot revoke api key %s: %s", id, sqlite3_errmsg(c->db));
        rc = PIVOT_EIO;
    } else if (sqlite3_changes(c->db) == 0) {
        snprintf(err, errlen, "no api key has the id \"%s\" (pivotd keys list shows them)", id);
        rc = PIVOT_ENOENT;
    }
out:
    sqlite3_finalize(st);
    return rc;
}
