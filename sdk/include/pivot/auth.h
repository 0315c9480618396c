/*
 * Auth backends: decide who sent an HTTP request. Backends are tried in
 * the configured order (`auth.backends`, default [apikey]); the first that
 * recognises credentials decides. They run in the server process: open and
 * close on its main thread, authenticate on its HTTP threads.
 */
#ifndef PIVOT_AUTH_H
#define PIVOT_AUTH_H

#include <pivot/host.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The parts of an HTTP request an auth backend may look at. Borrowed. */
typedef struct pivot_auth_request {
    size_t size; /**< sizeof(pivot_auth_request) */
    /** Value of a header (name in lower case) and its length, or NULL when absent. Not
     * NUL-terminated. */
    const char *(*header)(const struct pivot_auth_request *req, const char *name, size_t *len);
    const char *peer_addr; /**< the client's address, e.g. "127.0.0.1" */
    void *host_data;       /**< the host's own, for header() */
} pivot_auth_request;

/**
 * Who a request comes from: the host hands it to authenticate, which fills
 * the members that `size` covers.
 */
typedef struct pivot_principal {
    size_t size;    /**< sizeof(pivot_principal) as the host was built */
    char user[128]; /**< user name; jobs are owned by it */
    char role[16];  /**< "user" or "admin" */
    /**
     * Appended to ABI 1 (write it when PIVOT_HAS_MEMBER(who, pivot_principal,
     * credential)): which credential the request used, for the audit log,
     * never a secret: an API key's public id, the header a proxy named the
     * user in, "anonymous". The backend may also fill it when it refuses
     * the request (PIVOT_EACCES), so the audit line names the credential
     * refused. Empty: none ("-" in the log).
     */
    char credential[64];
} pivot_principal;

/** What list_keys shows of one key: never the key nor its hash. Borrowed during the visit. */
typedef struct pivot_key_info {
    size_t size;          /**< sizeof(pivot_key_info) as the backend was built */
    const char *id;       /**< public id */
    const char *user;     /**< owner */
    const char *role;     /**< "user" or "admin" */
    const char *label;    /**< free text, or NULL */
    int64_t created_at;   /**< unix seconds */
    int64_t last_used_at; /**< unix seconds; 0: never used */
    int64_t expires_at;   /**< unix seconds; 0: never expires */
    int64_t revoked_at;   /**< unix seconds; 0: not revoked */
} pivot_key_info;

/**
 * An auth backend. Required: name, authenticate; optional (may be NULL):
 * open, close, and create_key, list_keys, revoke_key, which `pivotd keys`
 * needs. register_auth names a missing required one.
 */
typedef struct pivot_auth_backend {
    size_t size;      /**< sizeof(pivot_auth_backend) as the plugin was built */
    const char *name; /**< "apikey" */

    /** Optional: opens an instance; configuration comes from host->config_get. */
    int (*open)(void **ctx, char *err, size_t errlen);
    /** Optional: releases an instance; NULL is accepted. */
    void (*close)(void *ctx);
    /**
     * Returns 0 and fills *who when the request is authenticated,
     * PIVOT_ENOENT when it carries no credentials this backend handles, or
     * PIVOT_EACCES when its credentials are refused. Called concurrently from
     * several threads.
     */
    int (*authenticate)(void *ctx, const pivot_auth_request *req, pivot_principal *who, char *err,
                        size_t errlen);
    /**
     * Optional (may be NULL): creates a credential for user with role, a
     * label (NULL: none) and an expiry (unix seconds; 0: never), and writes
     * it, NUL-terminated, into secret; only the backend can verify it later,
     * and it is shown once. Writes the key's public id, NUL-terminated, into
     * id (idlen bytes) when id is not NULL.
     */
    int (*create_key)(void *ctx, const char *user, const char *role, const char *label,
                      int64_t expires_at, char *secret, size_t secretlen, char *id, size_t idlen,
                      char *err, size_t errlen);
    /** Optional: calls visit for every key, oldest first; a non-zero return from visit stops the
     * walk. */
    int (*list_keys)(void *ctx, int (*visit)(void *arg, const struct pivot_key_info *key),
                     void *arg, char *err, size_t errlen);
    /**
     * Optional: revokes the key with public id: refused from then on, also by servers
     * already running. Returns 0 (also when it was already revoked) or
     * PIVOT_ENOENT.
     */
    int (*revoke_key)(void *ctx, const char *id, char *err, size_t errlen);
} pivot_auth_backend;

/**
 * One API key as a shared key store holds it. Times are unix seconds, 0 when
 * unset; the hash is the SHA-256 of the whole key (32 bytes). Strings handed
 * to the plugin are borrowed for the call (or the visit) only.
 */
typedef struct pivot_api_key {
    const char *id;
    const uint8_t *hash; /**< 32 bytes */
    const char *user;
    const char *role;  /**< "user" or "admin" */
    const char *label; /**< may be NULL */
    int64_t created_at, last_used_at, expires_at, revoked_at;
} pivot_api_key;

/**
 * API keys kept by the host where every node of a cluster sees them (the
 * shared PostgreSQL job store's auth_api_keys table); see host.h's
 * key_store. Each call may come from any thread. Returns 0 or a negative
 * PIVOT_E* code with a message in err.
 */
typedef struct pivot_key_store {
    size_t size; /**< sizeof(pivot_key_store) as the host was built; members only ever appended */
    /** The key with public id into *out (strings valid until this thread's next call);
     * PIVOT_ENOENT when absent. */
    int (*find)(const char *id, pivot_api_key *out, char *err, size_t errlen);
    /** Sets last_used_at to now unless it is within interval seconds of now already. */
    int (*touch)(const char *id, int64_t now, int64_t interval, char *err, size_t errlen);
    /** Stores a new key (its last_used_at and revoked_at ignored); PIVOT_EEXIST when the id or
     * hash is taken. */
    int (*insert)(const pivot_api_key *key, char *err, size_t errlen);
    /** Visits every key, oldest first; a non-zero return from visit stops the walk. */
    int (*list)(int (*visit)(void *arg, const pivot_api_key *key), void *arg, char *err,
                size_t errlen);
    /** Sets revoked_at (kept when set already); PIVOT_ENOENT when there is no such key. */
    int (*revoke)(const char *id, int64_t now, char *err, size_t errlen);
} pivot_key_store;

#ifdef __cplusplus
}
#endif

#endif
