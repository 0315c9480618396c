#include "http_metrics.h"

#include "auth_gate.h"
#include "http_access.h"
#include "http_server.h"

#include <pivot/common.h>
#include <pivot/grammar.h>
#include <pivot/ip_net.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#define MAX_ALLOW 32
#define JOBS_PATH "/api/v1/pivot/jobs"

typedef struct metrics_settings {
    pivot_ip_net allow[MAX_ALLOW];
    int nallow;
    int max_users;
} metrics_settings;

/* Set before the loops start (pv_http_start) and replaced whole by a
 * SIGHUP reload while they read it: under the lock, which a scrape holds
 * only to compare one address. */
static metrics_settings settings = {.max_users = 50};
static pthread_rwlock_t settings_lock = PTHREAD_RWLOCK_INITIALIZER;

static int path_is(h2o_iovec_t path, const char *prefix)
{
    size_t n = strlen(prefix);
    return path.len >= n && memcmp(path.base, prefix, n) == 0;
}

pv_metric_route pv_http_route_of(h2o_req_t *req)
{
    /* The path the client sent: an internal redirect rewrites the other. */
    h2o_iovec_t p = pv_http_origin_form(req->input.path);
    const char *q = memchr(p.base, '?', p.len);
    if (q != NULL)
        p.len = (size_t)(q - p.base);
    if (h2o_memis(p.base, p.len, H2O_STRLIT("/api/v1/health")))
        return PV_ROUTE_HEALTH;
    if (h2o_memis(p.base, p.len, H2O_STRLIT("/api/v1/openapi.yaml")))
        return PV_ROUTE_OPENAPI;
    if (h2o_memis(p.base, p.len, H2O_STRLIT("/metrics")))
        return PV_ROUTE_METRICS;
    if (path_is(p, "/api/v1/pivot/files/"))
        return PV_ROUTE_DOWNLOAD;
    if (path_is(p, JOBS_PATH)) {
        size_t n = sizeof(JOBS_PATH) - 1;
        if (p.len == n || (p.len == n + 1 && p.base[n] == '/'))
            return PV_ROUTE_JOBS;
        if (p.base[n] != '/')
            return PV_ROUTE_OTHER;
        const char *slash = memchr(p.base + n + 1, '/', p.len - n - 1);
        if (slash == NULL || slash == p.base + p.len - 1)
            return PV_ROUTE_JOB;
        return h2o_memis(slash, (size_t)(p.base + p.len - slash), H2O_STRLIT("/download"))
                   ? PV_ROUTE_DOWNLOAD
                   : PV_ROUTE_OTHER;
    }
    if (h2o_memis(p.base, p.len, H2O_STRLIT("/api/v1/pivot/quota")))
        return PV_ROUTE_QUOTA;
    if (h2o_memis(p.base, p.len, H2O_STRLIT("/api/v1/pivot/channels")))
        return PV_ROUTE_CHANNELS;
    if (h2o_memis(p.base, p.len, H2O_STRLIT("/api/v1/pivot/export")))
        return PV_ROUTE_EXPORT;
    if (h2o_memis(p.base, p.len, H2O_STRLIT("/api/v1/pivot/presets")))
        return PV_ROUTE_PRESETS;
    return PV_ROUTE_OTHER;
}

int pv_http_is_submission(h2o_req_t *req)
{
    return h2o_memis(req->method.base, req->method.len, H2O_STRLIT("POST")) &&
           pv_http_route_of(req) == PV_ROUTE_JOBS;
}

static double seconds_between(const struct timeval *a, const struct timeval *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_usec - a->tv_usec) / 1e6;
}

/* h2o calls this once per request after its last byte, on the request's loop. */
static void on_access(h2o_logger_t *self, h2o_req_t *req)
{
    struct timeval end = req->timestamps.response_end_at;
    double seconds;

    (void)self;
    if (h2o_timeval_is_null(&end))
        gettimeofday(&end, NULL);
    seconds = seconds_between(&req->timestamps.request_begin_at, &end);
    pv_metric_route route = pv_http_route_of(req);
    if (seconds < 0)
        seconds = 0;
    pv_metrics_http_request(route, req->res.status, seconds);
    pv_http_access_log(req, pv_metric_route_name(route), seconds);
    if (req->res.status >= 200 && req->res.status < 300 && pv_http_is_submission(req))
        pv_metrics_submission_accepted();
}

void pv_http_metrics_attach(h2o_pathconf_t *pathconf)
{
    h2o_logger_t *logger = h2o_create_logger(pathconf, sizeof(*logger));
    logger->log_access = on_access;
}

/* Adds the addresses and networks of text (separated by commas or spaces) to out. */
static int parse_allow(const char *text, metrics_settings *out, char *err, size_t errlen)
{
    char item[128];
    const char *p = text;

    while (*p != '\0') {
        size_t n = strcspn(p, ", \t");
        if (n > 0) {
            if (n >= sizeof(item) || out->nallow == MAX_ALLOW) {
                snprintf(err, errlen, "metrics.allow: at most %d entries of up to %zu characters",
                         MAX_ALLOW, sizeof(item) - 1);
                return PIVOT_EINVAL;
            }
            memcpy(item, p, n);
            item[n] = '\0';
            if (pivot_ip_net_parse(item, 1, &out->allow[out->nallow]) != 0) {
                snprintf(err, errlen,
                         "metrics.allow: \"%s\" is not an IP address or network; write e.g. "
                         "127.0.0.1, ::1 or 10.0.0.0/8 (host bits zero)",
                         item);
                return PIVOT_EINVAL;
            }
            out->nallow++;
        }
        p += n;
        p += strspn(p, ", \t");
    }
    return 0;
}

static int parse_settings(const pv_config *cfg, metrics_settings *out, char *err, size_t errlen)
{
    const char *allow = pv_config_get(cfg, "metrics.allow");
    const char *max_users = pv_config_get(cfg, "metrics.max_users");
    char why[PIVOT_ERRMSG_SIZE];
    int64_t v = 50;
    int rc;

    out->nallow = 0;
    if (allow != NULL || pv_config_get(cfg, "metrics.allow.0") == NULL) {
        rc = parse_allow(allow != NULL ? allow : "127.0.0.0/8, ::1", out, err, errlen);
    } else {
        /* Written as a YAML list: its items are metrics.allow.0, .1, ... */
        char key[64];
        const char *item;
        rc = 0;
        for (int i = 0; rc == 0; i++) {
            snprintf(key, sizeof(key), "metrics.allow.%d", i);
            if ((item = pv_config_get(cfg, key)) == NULL)
                break;
            rc = parse_allow(item, out, err, errlen);
        }
    }
    if (rc != 0)
        return rc;
    if (max_users != NULL &&
        pivot_int_parse(max_users, strlen(max_users), 1, 1000, &v, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "metrics.max_users: %s", why);
        return PIVOT_EINVAL;
    }
    out->max_users = (int)v;
    return 0;
}

int pv_http_metrics_check(const pv_config *cfg, char *err, size_t errlen)
{
    metrics_settings fresh;
    return parse_settings(cfg, &fresh, err, errlen);
}

int pv_http_metrics_configure(const pv_config *cfg, char *err, size_t errlen)
{
    metrics_settings fresh;
    int rc = parse_settings(cfg, &fresh, err, errlen);

    if (rc != 0)
        return rc;
    pthread_rwlock_wrlock(&settings_lock);
    settings = fresh;
    pthread_rwlock_unlock(&settings_lock);
    return 0;
}

int pv_http_metrics_allowed(h2o_req_t *req)
{
    char peer[64];
    int allowed = 0;

    pv_http_peer_address(req, peer, sizeof(peer));
    pthread_rwlock_rdlock(&settings_lock);
    for (int i = 0; i < settings.nallow && !allowed; i++)
        allowed = pivot_ip_net_contains(&settings.allow[i], peer);
    pthread_rwlock_unlock(&settings_lock);
    return allowed;
}

int pv_http_metrics_max_users(void)
{
    int max_users;

    pthread_rwlock_rdlock(&settings_lock);
    max_users = settings.max_users;
    pthread_rwlock_unlock(&settings_lock);
    return max_users;
}
