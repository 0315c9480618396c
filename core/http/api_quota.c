/* GET /api/v1/pivot/quota, and the quota check of a job submission. */
#include "api.h"

#include "http_reply.h"
#include "json_out.h"
#include "log.h"
#include "quota_store.h"
#include "timeutil.h"

#include <stdio.h>
#include <string.h>

static int store_error(pv_api_env *env, h2o_req_t *req)
{
    return pv_api_store_error(req, env->jobs, "quota");
}

static int load(pv_api_env *env, const char *user, int64_t now_ms, pv_quota_limits *lim,
                pv_quota_usage *use)
{
    pv_quota_limits configured, defaults;

    /* The defaults are those the server last published into the row "*"
     * (at start, and again on a SIGHUP reload), the scheduler's too; the
     * configuration read at start fills in a row not yet written. */
    pv_quota_defaults(env->server->config, &configured);
    if (pv_quota_store_limits(env->jobs, PV_QUOTA_DEFAULTS_USER, &configured, &defaults) != 0)
        return PIVOT_EIO;
    memset(defaults.overridden, 0, sizeof(defaults.overridden));
    if (pv_quota_store_limits(env->jobs, user, &defaults, lim) != 0)
        return PIVOT_EIO;
    return pv_quota_store_usage(env->jobs, user, lim, now_ms, use);
}

/* The number of channels of a resolved job spec. */
static int64_t spec_channels(const pv_job *job)
{
    static const char *path[] = {"channels", NULL};
    char err[128];
    yajl_val root =
        job->spec ? pv_json_parse(job->spec, strlen(job->spec), err, sizeof(err)) : NULL;
    yajl_val channels = root ? yajl_tree_get(root, path, yajl_t_array) : NULL;
    int64_t n = channels ? (int64_t)YAJL_GET_ARRAY(channels)->len : 0;

    yajl_tree_free(root);
    return n;
}

int pv_api_quota_admit(pv_api_env *env, h2o_req_t *req, const pivot_principal *who,
                       const pv_job *job)
{
    pv_quota_limits lim;
    pv_quota_usage use;
    pv_quota_job asked = {spec_channels(job), job->range_end_ns - job->range_start_ns};
    pv_problem problem;
    int64_t now_ms = pv_time_now_ms(), retry = 0;
    char retry_text[32];

    if (load(env, who->user, now_ms, &lim, &use) != 0) {
        store_error(env, req);
        return -1;
    }
    if (pv_quota_evaluate(&lim, &use, &asked, now_ms, &problem, &retry) == 0)
        return 0;
    if (problem.status == 429) {
        snprintf(retry_text, sizeof(retry_text), "%lld", (long long)retry);
        pv_reply_header(req, "retry-after", retry_text);
    }
    pv_log(PIVOT_LOG_INFO, "pivotd", "quota: refused a job of %s: %s", who->user, problem.detail);
    pv_reply_problem(req, &problem);
    return -1;
}

/* A limit, or null for "no limit". */
static void gen_limit(yajl_gen g, const char *key, int64_t v)
{
    if (v > 0)
        pv_json_key_int(g, key, v);
    else
        pv_json_key_null(g, key);
}

int pv_api_quota(pv_api_env *env, h2o_req_t *req, const pivot_principal *who)
{
    pv_quota_limits lim;
    pv_quota_usage use;
    int64_t now_ms = pv_time_now_ms();
    yajl_gen g;
    int rc;

    if (load(env, who->user, now_ms, &lim, &use) != 0)
        return store_error(env, req);
    g = pv_json_gen_new();
    if (g == NULL)
        return -1;
    yajl_gen_map_open(g);
    pv_json_key_str(g, "user", who->user);
    pv_json_key_str(g, "role", who->role);
    pv_json_str(g, "limits");
    yajl_gen_map_open(g);
    for (int i = 0; i < PV_QUOTA_NLIMITS; i++)
        gen_limit(g, pv_quota_names[i].json, lim.value[i]);
    yajl_gen_map_close(g);
    pv_json_str(g, "usage");
    yajl_gen_map_open(g);
    pv_json_key_int(g, "running_jobs", use.running);
    pv_json_key_int(g, "queued_jobs", use.queued);
    pv_json_key_int(g, "jobs_last_24h", use.jobs_day);
    pv_json_key_int(g, "output_bytes_last_24h", use.bytes_day);
    pv_json_key_time_ms(g, "jobs_per_day_frees_at", use.jobs_frees_ms);
    pv_json_key_time_ms(g, "output_bytes_per_day_frees_at", use.bytes_frees_ms);
    yajl_gen_map_close(g);
    yajl_gen_map_close(g);
    rc = pv_reply_json(req, 200, g);
    yajl_gen_free(g);
    return rc;
}
