#include "auth_gate.h"

#include "http_access.h"
#include "metrics.h"

#include "http_reply.h"
#include "log.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Longest credential header name kept for messages; longer ones are cut. */
#define HEADER_NAME_MAX 72

/* What the backends' header lookups saw of one request. */
typedef struct gate_request {
    h2o_req_t *req;
    char repeated[HEADER_NAME_MAX]; /**< a credential header sent more than once, or "" */
    int times;                      /**< how many times it was sent */
} gate_request;

static int count_header(h2o_req_t *req, const char *name, size_t name_len, ssize_t first)
{
    int n = 1;
    for (ssize_t i = first; (i = h2o_find_header_by_str(&req->headers, name, name_len, i)) >= 0;)
        n++;
    return n;
}

/* A header a backend asks for is a credential. Sent more than once, it has
 * no single value: a proxy that appends its copy to the client's would let
 * the client choose between them. Such a header reads as absent, so no
 * backend acts on either copy, and the gate refuses the request. */
static const char *request_header(const pivot_auth_request *ar, const char *name, size_t *len)
{
    gate_request *gr = ar->host_data;
    size_t name_len = strlen(name);
    ssize_t i = h2o_find_header_by_str(&gr->req->headers, name, name_len, -1);
    int times;

    if (i < 0)
        return NULL;
    if ((times = count_header(gr->req, name, name_len, i)) > 1) {
        if (gr->repeated[0] == '\0') {
            snprintf(gr->repeated, sizeof(gr->repeated), "%s", name);
            gr->times = times;
        }
        return NULL;
    }
    *len = gr->req->headers.entries[i].value.len;
    return gr->req->headers.entries[i].value.base;
}

/* The usual spelling of a lower-case header name, for the problem's field. */
static void display_name(const char *lower, char *out, size_t outlen)
{
    size_t n = 0;
    if (strcmp(lower, "x-api-key") == 0) {
        snprintf(out, outlen, "X-API-Key");
        return;
    }
    for (; lower[n] != '\0' && n + 1 < outlen; n++)
        out[n] = (char)((n == 0 || lower[n - 1] == '-') && lower[n] >= 'a' && lower[n] <= 'z'
                            ? lower[n] - 'a' + 'A'
                            : lower[n]);
    out[n] = '\0';
}

void pv_http_peer_address(h2o_req_t *req, char *out, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sslen;
    out[0] = '\0';
    if (req->conn->callbacks->get_peername == NULL)
        return;
    sslen = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
    if (sslen == 0)
        return;
    if (ss.ss_family == AF_INET)
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)len);
    else if (ss.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)len);
}

/* The credential the backend named for the audit log: the principal is the
 * host's own, so its size covers the member; a backend that overran it is
 * cut short rather than read past. */
static const char *credential_of(pivot_principal *who)
{
    who->credential[sizeof(who->credential) - 1] = '\0';
    return who->credential;
}

int pv_auth_gate(pv_server *srv, h2o_req_t *req, pivot_principal *who)
{
    char peer[64], err[PIVOT_ERRMSG_SIZE] = "", field[HEADER_NAME_MAX];
    gate_request gr = {.req = req};
    pivot_auth_request ar = {sizeof(ar), request_header, peer, &gr};
    pv_problem p;

    pv_http_peer_address(req, peer, sizeof(peer));
    for (int i = 0; i < srv->nauth; i++) {
        memset(who, 0, sizeof(*who));
        who->size = sizeof(*who);
        int rc = srv->auth[i].backend->authenticate(srv->auth[i].ctx, &ar, who, err, sizeof(err));
        if (gr.repeated[0] != '\0') {
            pv_metrics_auth_failure();
            pv_log_audit(PIVOT_LOG_WARNING, "auth-failure", peer, NULL,
                         "the header %s was sent %d times: %.*s %.*s", gr.repeated, gr.times,
                         (int)req->method.len, req->method.base,
                         (int)(req->path.len < 512 ? req->path.len : 512), req->path.base);
            display_name(gr.repeated, field, sizeof(field));
            pv_problem_set(&p, 400, "invalid-header", "Invalid header", field,
                           "the credential header %s was sent more than once (%d times); send "
                           "it once (a proxy must replace a client's copy, not add its own)",
                           field, gr.times);
            pv_reply_problem(req, &p);
            return -1;
        }
        if (rc == 0 && who->user[0] != '\0') {
            pv_http_note(req, PV_NOTE_USER, who->user);
            /* Every request of an administrator is an admin action: it may
             * reach other users' jobs. */
            if (strcmp(who->role, "admin") == 0) {
                pv_log_audit(PIVOT_LOG_INFO, "admin-action", peer, credential_of(who),
                             "user %s (%s): %.*s %.*s", who->user, srv->auth[i].backend->name,
                             (int)req->method.len, req->method.base,
                             (int)(req->path.len < 512 ? req->path.len : 512), req->path.base);
            }
            return 0;
        }
        if (rc == PIVOT_ENOENT)
            continue;
        pv_metrics_auth_failure();
        pv_log_audit(PIVOT_LOG_WARNING, "auth-failure", peer, credential_of(who),
                     "refused by backend %s: %s", srv->auth[i].backend->name,
                     err[0] ? err : "the credentials were refused");
        pv_problem_set(&p, 401, "unauthorized", "Authentication failed", "X-API-Key",
                       "%s; ask an administrator for a key (pivotd keys create --user NAME)",
                       err[0] ? err : "the credentials were refused");
        goto refuse;
    }
    pv_metrics_auth_failure();
    pv_log_audit(PIVOT_LOG_WARNING, "auth-failure", peer, NULL, "no credentials: %.*s %.*s",
                 (int)req->method.len, req->method.base,
                 (int)(req->path.len < 512 ? req->path.len : 512), req->path.base);
    pv_problem_set(&p, 401, "unauthorized", "Authentication required", "X-API-Key",
                   "send your API key in the X-API-Key header; ask an administrator for one "
                   "(pivotd keys create --user NAME)");
refuse:
    pv_reply_header(req, "www-authenticate", "ApiKey header=\"X-API-Key\"");
    pv_reply_problem(req, &p);
    return -1;
}

int pv_auth_open_all(pv_server *srv, char *err, size_t errlen)
{
    const char *names[PV_MAX_AUTH_BACKENDS];
    int n = (int)pv_config_auth_backends(srv->config, names, PV_MAX_AUTH_BACKENDS);

    for (int i = 0; i < n; i++) {
        const pivot_auth_backend *b = pv_registry_auth(srv->registry, names[i]);
        char msg[PIVOT_ERRMSG_SIZE] = "";
        if (b == NULL) {
            snprintf(err, errlen,
                     "auth backend \"%s\" (auth.backends) is not provided by any "
                     "loaded plugin",
                     names[i]);
            return PIVOT_ENOENT;
        }
        srv->auth[srv->nauth].backend = b;
        srv->auth[srv->nauth].ctx = NULL;
        if (b->open != NULL && b->open(&srv->auth[srv->nauth].ctx, msg, sizeof(msg)) != 0) {
            snprintf(err, errlen, "auth backend \"%s\": %s", names[i], msg);
            return PIVOT_EIO;
        }
        srv->nauth++;
    }
    return 0;
}

void pv_auth_close_all(pv_server *srv)
{
    for (int i = srv->nauth - 1; i >= 0; i--) {
        if (srv->auth[i].backend->close != NULL)
            srv->auth[i].backend->close(srv->auth[i].ctx);
    }
    srv->nauth = 0;
}
