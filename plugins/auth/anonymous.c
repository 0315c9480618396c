/*
 * The "anonymous" backend. Settings (plugins.auth.anonymous.*):
 *   user       the user such requests act as (default "anonymous")
 *   addresses  list of addresses or networks ("127.0.0.1", "10.0.0.0/8",
 *              "::1") allowed to call without credentials
 *              (default: loopback only, [127.0.0.0/8, ::1])
 *
 * It must be the last entry of auth.backends: the backends before it judge
 * every credential a request carries (an invalid key stays a 401), so this
 * one only ever sees requests that carry none it could be wrong about. A
 * request with an X-API-Key header is never anonymous, whatever the order.
 */
#include "anonymous.h"

#include "audit_line.h"
#include "user_name.h"
#include <pivot/ip_net.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLUGIN "auth"
#define CONFIG_PREFIX "plugins.auth.anonymous."
#define BACKEND_NAME "anonymous"
#define DEFAULT_USER "anonymous"
#define MAX_NETS 32
/* Bounds the walk over auth.backends; the host allows far fewer. */
#define MAX_BACKENDS 64

static const char *const default_nets[] = {"127.0.0.0/8", "::1"};
#define N_DEFAULT_NETS (sizeof(default_nets) / sizeof(default_nets[0]))

typedef struct anon_ctx {
    char user[AK_USER_MAX_LEN + 1];
    pivot_ip_net nets[MAX_NETS];
    int nnets;
} anon_ctx;

static const pivot_host *host;

void anon_backend_init(const pivot_host *h)
{
    host = h;
}

static const char *setting(const char *name, int index)
{
    char key[128];
    if (index < 0)
        snprintf(key, sizeof(key), "%s", name);
    else
        snprintf(key, sizeof(key), "%s.%d", name, index);
    /* The value is owned by the host; key only names it for the lookup. */
    /* cppcheck-suppress returnDanglingLifetime */
    return host->config_get(key);
}

/* Anything after this backend would never see a request without credentials. */
static int check_last(char *err, size_t errlen)
{
    const char *name, *last = NULL;
    int i;

    for (i = 0; i < MAX_BACKENDS && (name = setting("auth.backends", i)) != NULL; i++)
        last = name;
    if (last != NULL && strcmp(last, BACKEND_NAME) != 0) {
        snprintf(err, errlen,
                 "auth.backends: list \"" BACKEND_NAME "\" last, after the backends that judge "
                 "credentials (e.g. [apikey, " BACKEND_NAME "]); \"%s\" comes after it",
                 last);
        return PIVOT_EINVAL;
    }
    return 0;
}

static int read_user(anon_ctx *ctx, char *err, size_t errlen)
{
    const char *user = setting(CONFIG_PREFIX "user", -1);

    if (user == NULL)
        user = DEFAULT_USER;
    if (!ak_user_valid(user, strlen(user))) {
        snprintf(err, errlen,
                 CONFIG_PREFIX "user: \"%s\" is not a user name; use 1 to %d characters among "
                               "letters, digits and . _ @ + -",
                 user, AK_USER_MAX_LEN);
        return PIVOT_EINVAL;
    }
    snprintf(ctx->user, sizeof(ctx->user), "%s", user);
    return 0;
}

static int read_addresses(anon_ctx *ctx, char *err, size_t errlen)
{
    const char *v;
    int i;

    for (i = 0; (v = setting(CONFIG_PREFIX "addresses", i)) != NULL; i++) {
        if (ctx->nnets == MAX_NETS) {
            snprintf(err, errlen, CONFIG_PREFIX "addresses: at most %d entries", MAX_NETS);
            return PIVOT_EINVAL;
        }
        if (pivot_ip_net_parse(v, 1, &ctx->nets[ctx->nnets]) != 0) {
            snprintf(err, errlen,
                     CONFIG_PREFIX "addresses.%d: \"%s\" is neither an IP address such as "
                                   "127.0.0.1 nor a network such as 127.0.0.0/8 (with the bits "
                                   "after the prefix zero)",
                     i, v);
            return PIVOT_EINVAL;
        }
        ctx->nnets++;
    }
    if (ctx->nnets == 0 && setting(CONFIG_PREFIX "addresses", -1) != NULL) {
        snprintf(err, errlen,
                 CONFIG_PREFIX "addresses: write a list, e.g. [127.0.0.1] or [127.0.0.0/8, ::1]");
        return PIVOT_EINVAL;
    }
    /* Absent, or written as []: loopback only. */
    if (ctx->nnets == 0) {
        for (size_t k = 0; k < N_DEFAULT_NETS; k++)
            pivot_ip_net_parse(default_nets[k], 1, &ctx->nets[ctx->nnets++]);
    }
    return 0;
}

static int anon_open(void **out, char *err, size_t errlen)
{
    anon_ctx *ctx = calloc(1, sizeof(*ctx));
    int rc = 0;

    *out = NULL;
    if (ctx == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = PIVOT_ENOMEM;
        goto out;
    }
    if ((rc = check_last(err, errlen)) != 0 || (rc = read_user(ctx, err, errlen)) != 0 ||
        (rc = read_addresses(ctx, err, errlen)) != 0)
        goto out;
    if (host->log != NULL)
        host->log(PIVOT_LOG_WARNING, PLUGIN,
                  BACKEND_NAME ": requests without credentials from %d address%s act as user %s",
                  ctx->nnets, ctx->nnets == 1 ? "" : "es", ctx->user);
out:
    if (rc != 0) {
        free(ctx);
        ctx = NULL;
    }
    *out = ctx;
    return rc;
}

static void anon_close(void *ctx)
{
    free(ctx);
}

static int allowed(const anon_ctx *ctx, const char *peer)
{
    for (int i = 0; i < ctx->nnets; i++) {
        if (pivot_ip_net_contains(&ctx->nets[i], peer))
            return 1;
    }
    return 0;
}

static int anon_authenticate(void *vctx, const pivot_auth_request *req, pivot_principal *who,
                             char *err, size_t errlen)
{
    const anon_ctx *ctx = vctx;
    size_t len = 0;

    (void)err;
    (void)errlen;
    /* A key is judged by the key (by apikey), never waved through here. Other
     * addresses get what they got without this backend: no credentials, 401. */
    if (req->header(req, "x-api-key", &len) != NULL || !allowed(ctx, req->peer_addr))
        return PIVOT_ENOENT;
    snprintf(who->user, sizeof(who->user), "%s", ctx->user);
    snprintf(who->role, sizeof(who->role), "user");
    auth_credential(who, "anonymous");
    auth_audit(host, PIVOT_LOG_INFO, "anonymous-access", req->peer_addr, NULL,
               "no credentials; acting as user %s", ctx->user);
    return 0;
}

const pivot_auth_backend anon_backend = {
    .size = sizeof(pivot_auth_backend),
    .name = BACKEND_NAME,
    .open = anon_open,
    .close = anon_close,
    .authenticate = anon_authenticate,
};
