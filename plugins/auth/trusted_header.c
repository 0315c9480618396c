/*
 * The "trusted-header" backend. Settings (plugins.auth.trusted_header.*):
 *   header   the header the proxy sets, e.g. X-Remote-User (required)
 *   proxies  list of the proxies' IP addresses (required, at least one)
 *   admins   list of user names that get the "admin" role (optional)
 */
#include "trusted_header.h"

#include "audit_line.h"
#include "user_name.h"
#include <pivot/ip_net.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLUGIN "auth"
#define CONFIG_PREFIX "plugins.auth.trusted_header."
#define MAX_PROXIES 32
#define MAX_ADMINS 64
#define HEADER_MAX_LEN 64

typedef struct th_ctx {
    char header[HEADER_MAX_LEN + 1]; /**< lower case, as the host looks headers up */
    pivot_ip_net proxies[MAX_PROXIES];
    int nproxies;
    char admins[MAX_ADMINS][AK_USER_MAX_LEN + 1];
    int nadmins;
} th_ctx;

static const pivot_host *host;

void th_backend_init(const pivot_host *h)
{
    host = h;
}

static const char *setting(const char *name, int index)
{
    char key[128];
    if (index < 0)
        snprintf(key, sizeof(key), CONFIG_PREFIX "%s", name);
    else
        snprintf(key, sizeof(key), CONFIG_PREFIX "%s.%d", name, index);
    /* The value is owned by the host; key only names it for the lookup. */
    /* cppcheck-suppress returnDanglingLifetime */
    return host->config_get(key);
}

static int read_header_name(th_ctx *ctx, char *err, size_t errlen)
{
    const char *name = setting("header", -1);
    size_t n = name != NULL ? strlen(name) : 0;

    if (n == 0 || n > HEADER_MAX_LEN) {
        snprintf(err, errlen,
                 CONFIG_PREFIX "header: set it to the header your proxy fills with the user "
                               "name, e.g. X-Remote-User (1 to %d characters)",
                 HEADER_MAX_LEN);
        return PIVOT_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_')) {
            snprintf(err, errlen, CONFIG_PREFIX "header: \"%s\" is not a header name", name);
            return PIVOT_EINVAL;
        }
        ctx->header[i] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    ctx->header[n] = '\0';
    return 0;
}

static int read_lists(th_ctx *ctx, char *err, size_t errlen)
{
    const char *v;

    for (int i = 0; (v = setting("proxies", i)) != NULL; i++) {
        if (ctx->nproxies == MAX_PROXIES) {
            snprintf(err, errlen, CONFIG_PREFIX "proxies: at most %d addresses", MAX_PROXIES);
            return PIVOT_EINVAL;
        }
        if (pivot_ip_net_parse(v, 0, &ctx->proxies[ctx->nproxies]) != 0) {
            snprintf(err, errlen,
                     CONFIG_PREFIX "proxies.%d: \"%s\" is not an IP address such as 127.0.0.1", i,
                     v);
            return PIVOT_EINVAL;
        }
        ctx->nproxies++;
    }
    if (ctx->nproxies == 0) {
        snprintf(err, errlen,
                 CONFIG_PREFIX "proxies: list the IP addresses of the proxies that set the "
                               "header, e.g. [127.0.0.1]");
        return PIVOT_EINVAL;
    }
    for (int i = 0; (v = setting("admins", i)) != NULL; i++) {
        if (ctx->nadmins == MAX_ADMINS || !ak_user_valid(v, strlen(v))) {
            snprintf(err, errlen,
                     CONFIG_PREFIX "admins.%d: \"%s\" is not a user name (or too many)", i, v);
            return PIVOT_EINVAL;
        }
        snprintf(ctx->admins[ctx->nadmins++], sizeof(ctx->admins[0]), "%s", v);
    }
    return 0;
}

static int th_open(void **out, char *err, size_t errlen)
{
    th_ctx *ctx = calloc(1, sizeof(*ctx));
    int rc = 0;

    *out = NULL;
    if (ctx == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = PIVOT_ENOMEM;
        goto out;
    }
    if ((rc = read_header_name(ctx, err, errlen)) != 0 || (rc = read_lists(ctx, err, errlen)) != 0)
        goto out;
    if (host->log != NULL)
        host->log(PIVOT_LOG_INFO, PLUGIN, "trusted-header: believing %s from %d proxy address%s",
                  ctx->header, ctx->nproxies, ctx->nproxies == 1 ? "" : "es");
out:
    if (rc != 0) {
        free(ctx);
        ctx = NULL;
    }
    *out = ctx;
    return rc;
}

static void th_close(void *ctx)
{
    free(ctx);
}

static int from_proxy(const th_ctx *ctx, const char *peer)
{
    for (int i = 0; i < ctx->nproxies; i++) {
        if (pivot_ip_net_contains(&ctx->proxies[i], peer))
            return 1;
    }
    return 0;
}

static int refuse(const pivot_auth_request *req, const char *why, char *err, size_t errlen)
{
    auth_audit(host, PIVOT_LOG_WARNING, "auth-failure", req->peer_addr, NULL, "%s", why);
    snprintf(err, errlen, "the request's user header was refused");
    return PIVOT_EACCES;
}

static int th_authenticate(void *vctx, const pivot_auth_request *req, pivot_principal *who,
                           char *err, size_t errlen)
{
    th_ctx *ctx = vctx;
    size_t len = 0;
    const char *user = req->header(req, ctx->header, &len);
    char why[160];

    if (user == NULL)
        return PIVOT_ENOENT;
    auth_credential(who, ctx->header);
    /* Anyone can send the header: only the proxies' copy is believed. */
    if (!from_proxy(ctx, req->peer_addr)) {
        snprintf(why, sizeof(why), "header %s sent by an address that is not a trusted proxy",
                 ctx->header);
        return refuse(req, why, err, errlen);
    }
    if (!ak_user_valid(user, len)) {
        snprintf(why, sizeof(why), "header %s from the proxy holds no valid user name",
                 ctx->header);
        return refuse(req, why, err, errlen);
    }
    memcpy(who->user, user, len);
    who->user[len] = '\0';
    snprintf(who->role, sizeof(who->role), "user");
    for (int i = 0; i < ctx->nadmins; i++) {
        if (strcmp(ctx->admins[i], who->user) == 0)
            snprintf(who->role, sizeof(who->role), "admin");
    }
    return 0;
}

const pivot_auth_backend th_backend = {
    .size = sizeof(pivot_auth_backend),
    .name = "trusted-header",
    .open = th_open,
    .close = th_close,
    .authenticate = th_authenticate,
};
