/*
 * The api_keys table in the plugin's own SQLite file, <state_dir>/auth.db
 * (until this version it was a table of the server's jobs.db, from which
 * the first open moves the keys).
 *
 * Each thread that calls in gets its own connection with its statements
 * prepared once (SQLite connections must not be shared between threads
 * without serialising them). The connection is found through a
 * thread-local cache, so the common path takes no lock. Connections are
 * kept in a registry and closed together by ak_store_close(): a thread
 * that exits leaves its connection open until then, and a later thread
 * that the system gives the same pthread_t reuses it.
 */
#ifndef AUTH_KEY_STORE_H
#define AUTH_KEY_STORE_H

#include "key_format.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ak_store ak_store;

/** What the store knows about one key. */
typedef struct ak_key_row {
    uint8_t hash[AK_HASH_LEN]; /**< SHA-256 of the whole key */
    char user[128];            /**< owner of the key */
    char role[16];             /**< "user" or "admin" */
    int revoked;               /**< revoked_at is set */
    int has_expiry;            /**< expires_at is set */
    int64_t expires_at;        /**< unix seconds; meaningful when has_expiry */
    int has_last_used;         /**< last_used_at is set */
    int64_t last_used_at;      /**< unix seconds; meaningful when has_last_used */
} ak_key_row;

/**
 * Opens the store at path, creating the file and the api_keys table when
 * missing. The first time, the keys of an api_keys table in the database
 * at legacy_path (the server's job store; NULL or a missing file: none)
 * are moved into it, their number in *moved. On success *out is owned by
 * the caller and released with ak_store_close().
 */
int ak_store_open(const char *path, const char *legacy_path, ak_store **out, int64_t *moved,
                  char *err, size_t errlen);

struct pivot_key_store;

/**
 * Opens the host's shared key store (host.h's key_store) behind this
 * module's calls: the keys of every node of a cluster, kept by the server.
 */
int ak_store_open_shared(const struct pivot_key_store *shared, ak_store **out);

/**
 * Closes every connection any thread opened, then frees the store. No
 * other call on the store may be running or follow. NULL is accepted.
 */
void ak_store_close(ak_store *store);

/** Reads the key with public id into *row; returns 0, PIVOT_ENOENT or PIVOT_EIO. */
int ak_store_find(ak_store *store, const char *id, ak_key_row *row, char *err, size_t errlen);

/**
 * Sets last_used_at to now unless it is already within interval seconds of
 * now (the condition is checked in the UPDATE, so threads racing on one key
 * write at most once per interval). Returns 0 or PIVOT_EIO.
 */
int ak_store_touch(ak_store *store, const char *id, int64_t now, int64_t interval, char *err,
                   size_t errlen);

/**
 * Inserts a key with an optional label (NULL) and expiry (unix seconds, 0:
 * never); returns 0, PIVOT_EEXIST when the id or hash is taken, or
 * PIVOT_EIO.
 */
int ak_store_insert(ak_store *store, const char *id, const uint8_t hash[AK_HASH_LEN],
                    const char *user, const char *role, const char *label, int64_t expires_at,
                    int64_t now, char *err, size_t errlen);

/** One key as listed; strings borrowed for the visit. Times are unix seconds, 0 for unset. */
typedef struct ak_key_listing {
    const char *id, *user, *role, *label; /**< label may be NULL */
    int64_t created_at, last_used_at, expires_at, revoked_at;
} ak_key_listing;

/** Receives each listed key; non-zero stops the listing. */
typedef int (*ak_list_fn)(void *arg, const ak_key_listing *key);

/** Visits every key, oldest first. Returns 0 or PIVOT_EIO. */
int ak_store_list(ak_store *store, ak_list_fn visit, void *arg, char *err, size_t errlen);

/** Sets revoked_at (kept when already set); returns 0, PIVOT_ENOENT or PIVOT_EIO. */
int ak_store_revoke(ak_store *store, const char *id, int64_t now, char *err, size_t errlen);

#endif
