/*
 * The API keys of a cluster, in the shared PostgreSQL store's auth_api_keys
 * table, offered to the auth plugin as the host's key_store (pivot/auth.h).
 * Calls come from any thread: each thread gets its own connection, opened
 * at its first call and closed when the thread ends.
 */
#include "jobstore_keys.h"

#include "jobstore_pg.h"

#include <pivot/auth.h>
#include <pivot/common.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_LEN 32

static char *store_uri;
static pthread_key_t conn_key;
static pthread_once_t conn_once = PTHREAD_ONCE_INIT;

/* What find() hands out, valid until the thread's next call. */
typedef struct thread_state {
    struct thread_state *next, *prev; /* in `states` */
    pv_jobstore *js;
    uint8_t hash[HASH_LEN];
    char id[64], user[128], role[16], label[256];
} thread_state;

/* Every thread's state, so that a command's end frees what its threads
 * (the main thread among them, whose destructors never run) left. */
static pthread_mutex_t states_lock = PTHREAD_MUTEX_INITIALIZER;
static thread_state *states;

static void unlink_state(thread_state *t)
{
    if (t->prev != NULL)
        t->prev->next = t->next;
    else
        states = t->next;
    if (t->next != NULL)
        t->next->prev = t->prev;
}

static void thread_end(void *arg)
{
    thread_state *t = arg;
    pthread_mutex_lock(&states_lock);
    unlink_state(t);
    pthread_mutex_unlock(&states_lock);
    pv_jobstore_close(t->js);
    free(t);
}

static void make_key(void)
{
    pthread_key_create(&conn_key, thread_end);
}

static thread_state *state(char *err, size_t errlen)
{
    thread_state *t;

    pthread_once(&conn_once, make_key);
    t = pthread_getspecific(conn_key);
    if (t != NULL)
        return t;
    t = calloc(1, sizeof(*t));
    if (t == NULL || pv_jobstore_pg_open(store_uri, &t->js, err, errlen) != 0) {
        free(t);
        return NULL;
    }
    pthread_setspecific(conn_key, t);
    pthread_mutex_lock(&states_lock);
    t->next = states;
    if (states != NULL)
        states->prev = t;
    states = t;
    pthread_mutex_unlock(&states_lock);
    return t;
}

static void hex(const uint8_t *in, char out[2 * HASH_LEN + 1])
{
    for (int i = 0; i < HASH_LEN; i++)
        snprintf(out + 2 * i, 3, "%02x", in[i]);
}

static void unhex(const char *in, uint8_t *out)
{
    for (int i = 0; i < HASH_LEN; i++) {
        unsigned v = 0;
        sscanf(in + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

static int failed(thread_state *t, char *err, size_t errlen)
{
    snprintf(err, errlen, "key store: %s", PG(t->js)->message);
    return PIVOT_EIO;
}

static int keys_find(const char *id, pivot_api_key *out, char *err, size_t errlen)
{
    thread_state *t = state(err, errlen);
    const char *p[] = {id};
    PGresult *r;

    if (t == NULL)
        return PIVOT_EIO;
    r = pv_pg_exec(PG(t->js),
                   "SELECT id, key_hash, user_name, role, label, created_at, last_used_at, "
                   "expires_at, revoked_at FROM auth_api_keys WHERE id = $1",
                   1, p);
    if (r == NULL)
        return failed(t, err, errlen);
    if (PQntuples(r) == 0) {
        PQclear(r);
        return PIVOT_ENOENT;
    }
    memset(out, 0, sizeof(*out));
    snprintf(t->id, sizeof(t->id), "%s", PQgetvalue(r, 0, 0));
    unhex(PQgetvalue(r, 0, 1), t->hash);
    snprintf(t->user, sizeof(t->user), "%s", PQgetvalue(r, 0, 2));
    snprintf(t->role, sizeof(t->role), "%s", PQgetvalue(r, 0, 3));
    snprintf(t->label, sizeof(t->label), "%s", PQgetvalue(r, 0, 4));
    out->id = t->id;
    out->hash = t->hash;
    out->user = t->user;
    out->role = t->role;
    out->label = PQgetisnull(r, 0, 4) ? NULL : t->label;
    out->created_at = pv_pg_get_int(r, 0, 5);
    out->last_used_at = pv_pg_get_int(r, 0, 6);
    out->expires_at = pv_pg_get_int(r, 0, 7);
    out->revoked_at = pv_pg_get_int(r, 0, 8);
    PQclear(r);
    return 0;
}

static int keys_touch(const char *id, int64_t now, int64_t interval, char *err, size_t errlen)
{
    thread_state *t = state(err, errlen);
    char b1[24], b2[24];
    const char *p[] = {id, pv_pg_int(b1, now), pv_pg_int(b2, interval)};

    if (t == NULL)
        return PIVOT_EIO;
    if (pv_pg_run(PG(t->js),
                  "UPDATE auth_api_keys SET last_used_at = $2 WHERE id = $1 "
                  "AND (last_used_at IS NULL OR last_used_at <= $2::bigint - $3::bigint)",
                  3, p) != 0)
        return failed(t, err, errlen);
    return 0;
}

static int keys_insert(const pivot_api_key *key, char *err, size_t errlen)
{
    thread_state *t = state(err, errlen);
    char h[2 * HASH_LEN + 1], b1[24], b2[24];
    const char *p[] = {key->id,
                       h,
                       key->user,
                       key->role,
                       pv_pg_int(b1, key->created_at),
                       key->label,
                       key->expires_at != 0 ? pv_pg_int(b2, key->expires_at) : NULL};

    if (t == NULL)
        return PIVOT_EIO;
    hex(key->hash, h);
    if (pv_pg_run(PG(t->js),
                  "INSERT INTO auth_api_keys (id, key_hash, user_name, role, created_at, label, "
                  "expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                  7, p) != 0)
        return strcmp(PG(t->js)->sqlstate, "23505") == 0 ? PIVOT_EEXIST : failed(t, err, errlen);
    return 0;
}

static int keys_list(int (*visit)(void *arg, const pivot_api_key *key), void *arg, char *err,
                     size_t errlen)
{
    thread_state *t = state(err, errlen);
    PGresult *r;

    if (t == NULL)
        return PIVOT_EIO;
    r = pv_pg_exec(PG(t->js),
                   "SELECT id, key_hash, user_name, role, label, created_at, last_used_at, "
                   "expires_at, revoked_at FROM auth_api_keys ORDER BY created_at, id",
                   0, NULL);
    if (r == NULL)
        return failed(t, err, errlen);
    for (int i = 0; i < PQntuples(r); i++) {
        uint8_t hash[HASH_LEN];
        pivot_api_key k = {PQgetvalue(r, i, 0),
                           hash,
                           PQgetvalue(r, i, 2),
                           PQgetvalue(r, i, 3),
                           PQgetisnull(r, i, 4) ? NULL : PQgetvalue(r, i, 4),
                           pv_pg_get_int(r, i, 5),
                           pv_pg_get_int(r, i, 6),
                           pv_pg_get_int(r, i, 7),
                           pv_pg_get_int(r, i, 8)};
        unhex(PQgetvalue(r, i, 1), hash);
        if (visit(arg, &k) != 0)
            break;
    }
    PQclear(r);
    return 0;
}

static int keys_revoke(const char *id, int64_t now, char *err, size_t errlen)
{
    thread_state *t = state(err, errlen);
    char b1[24];
    const char *p[] = {id, pv_pg_int(b1, now)};
    PGresult *r;
    int changed;

    if (t == NULL)
        return PIVOT_EIO;
    /* Revoking twice keeps the first time: it is the one that matters. */
    r = pv_pg_exec(PG(t->js),
                   "UPDATE auth_api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1",
                   2, p);
    if (r == NULL)
        return failed(t, err, errlen);
    changed = atoi(PQcmdTuples(r));
    PQclear(r);
    return changed == 1 ? 0 : PIVOT_ENOENT;
}

static const pivot_key_store pg_keys = {
    sizeof(pivot_key_store), keys_find, keys_touch, keys_insert, keys_list, keys_revoke,
};

const pivot_key_store *pv_jobstore_key_store(const char *location)
{
    if (!pv_jobstore_is_postgres(location))
        return NULL;
    free(store_uri);
    store_uri = strdup(location);
    return store_uri != NULL ? &pg_keys : NULL;
}

void pv_jobstore_key_store_release(void)
{
    pthread_mutex_lock(&states_lock);
    while (states != NULL) {
        thread_state *t = states;
        unlink_state(t);
        pv_jobstore_close(t->js);
        free(t);
    }
    pthread_mutex_unlock(&states_lock);
    /* This thread's slot may point at a freed state; others have ended. */
    pthread_once(&conn_once, make_key);
    pthread_setspecific(conn_key, NULL);
    free(store_uri);
    store_uri = NULL;
}
