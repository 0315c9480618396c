/*
 * Auth backends: decide who sent an HTTP request. Backends are tried in
 * the configured order; the first that recognises credentials decides.
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

/** Who a request comes from. */
typedef struct pivot_principal {
    char user[128]; /**< user name; jobs are owned by it */
    char role[16];  /**< "user" or "admin" */
} pivot_principal;

/** An auth backend. */
typedef struct pivot_auth_backend {
    size_t size;      /**< sizeof(pivot_auth_backend) as the plugin was built */
    const char *name; /**< "apikey" */

    /** Opens an instance; configuration comes from host->config_get. */
    int (*open)(void **ctx, char *err, size_t errlen);
    /** Releases an instance; NULL is accepted. */
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
     * Optional (may be NULL): creates a credential for user with role and
     * writes it, NUL-terminated, into secret. Only the backend can verify it
     * later; it is shown once.
     */
    int (*create_key)(void *ctx, const char *user, const char *role, char *secret, size_t secretlen,
                      char *err, size_t errlen);
} pivot_auth_backend;

#ifdef __cplusplus
}
#endif

#endif
