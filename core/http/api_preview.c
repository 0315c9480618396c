/* GET /api/v1/pivot/jobs/{id}/preview: the quick look of a completed
 * export, from the min/max preview its worker wrote beside the result
 * (core/export/preview.c), merged down to the number of points asked for. */
#include "api.h"

#include "http_query.h"
#include "http_reply.h"
#include "json_out.h"
#include "preview.h"
#include "problem.h"
#include "state_dir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_POINTS 2000
#define MAX_NAMES 64

/* What the query asked for. */
typedef struct preview_query {
    long points;
    char names_text[4096];
    char *names[MAX_NAMES]; /* "channel.signal", into names_text */
    int found[MAX_NAMES];
    size_t nnames;
} preview_query;

static int parse_query(h2o_req_t *req, preview_query *q, pv_problem *pb)
{
    pv_query_iter it;
    h2o_iovec_t key, value;
    char text[32], quoted[200];
    int signals_seen = 0;

    q->points = DEFAULT_POINTS;
    q->nnames = 0;
    pv_query_begin(req, &it);
    while (pv_query_next(&it, &key, &value)) {
        /* The raw value, cut short, for the message: what was refused. */
        snprintf(text, sizeof(text), "%.*s", (int)(value.len < 24 ? value.len : 24), value.base);
        pv_problem_quote(text, quoted, sizeof(quoted));
        if (pv_query_key_is(key, "points")) {
            char *end;
            if (pv_query_decode(value, text, sizeof(text)) <= 0 ||
                (q->points = strtol(text, &end, 10), *end != '\0') || q->points < 2 ||
                q->points > PV_PREVIEW_POINTS)
                return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter", "points",
                                      "points: \"%s%s\" is not a whole number from 2 to %d", quoted,
                                      value.len > 24 ? "..." : "", PV_PREVIEW_POINTS);
        } else if (pv_query_key_is(key, "signals")) {
            /* names[] points into names_text: a second list would overwrite the first. */
            if (signals_seen++)
                return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter",
                                      "signals",
                                      "signals is given twice; give one comma-separated list "
                                      "(signals=ch000.sig0,ch001.sig1)");
            if (pv_query_decode(value, q->names_text, sizeof(q->names_text)) < 0)
                return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter",
                                      "signals",
                                      "signals: \"%s...\" is %zu bytes; give a comma-separated "
                                      "list of channel.signal names of at most %zu bytes",
                                      quoted, value.len, sizeof(q->names_text) - 1);
            char *save = NULL;
            for (char *t = strtok_r(q->names_text, ",", &save); t != NULL;
                 t = strtok_r(NULL, ",", &save)) {
                if (q->nnames == MAX_NAMES)
                    return pv_problem_set(pb, 400, "invalid-query", "Invalid query parameter",
                                          "signals", "signals: at most %d names", MAX_NAMES);
                q->found[q->nnames] = 0;
                q->names[q->nnames++] = t;
            }
        }
    }
    return 0;
}

/* Whether channel.signal was asked for (everything when nothing was named). */
static int wanted(preview_query *q, const char *channel, const char *signal)
{
    size_t clen = strlen(channel);
    if (q->nnames == 0)
        return 1;
    for (size_t i = 0; i < q->nnames; i++) {
        const char *n = q->names[i];
        if (strncmp(n, channel, clen) == 0 && n[clen] == '.' && strcmp(n + clen + 1, signal) == 0)
            return q->found[i] = 1;
    }
    return 0;
}

static int64_t int_member(yajl_val v, const char *name)
{
    const char *path[] = {name, NULL};
    yajl_val m = yajl_tree_get(v, path, yajl_t_number);
    return m != NULL && YAJL_IS_INTEGER(m) ? YAJL_GET_INTEGER(m) : -1;
}

static yajl_val member(yajl_val v, const char *name, yajl_type type)
{
    const char *path[] = {name, NULL};
    return yajl_tree_get(v, path, type);
}

/* Writes one stored series merged `factor` buckets to one: the minimum of
 * the minima and the maximum of the maxima, so no extreme is lost. */
static int gen_series(yajl_gen g, yajl_val line, const char *channel, const char *signal,
                      int64_t start_ns, int64_t bucket_ns, int64_t factor)
{
    yajl_val b = member(line, "bucket", yajl_t_array), lo = member(line, "min", yajl_t_array),
             hi = member(line, "max", yajl_t_array);
    size_t n = b != NULL ? YAJL_GET_ARRAY(b)->len : 0, out = 0;
    int64_t *t = NULL;
    double *mn = NULL, *mx = NULL;

    if (b == NULL || lo == NULL || hi == NULL || YAJL_GET_ARRAY(lo)->len != n ||
        YAJL_GET_ARRAY(hi)->len != n)
        return -1;
    t = malloc((n ? n : 1) * sizeof(*t));
    mn = malloc((n ? n : 1) * sizeof(*mn));
    mx = malloc((n ? n : 1) * sizeof(*mx));
    if (t == NULL || mn == NULL || mx == NULL) {
        free(t);
        free(mn);
        free(mx);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        yajl_val bi = YAJL_GET_ARRAY(b)->values[i], li = YAJL_GET_ARRAY(lo)->values[i],
                 hii = YAJL_GET_ARRAY(hi)->values[i];
        /* A damaged file is refused, never plotted as something else. */
        if (!YAJL_IS_INTEGER(bi) || YAJL_GET_INTEGER(bi) < 0 || !YAJL_IS_NUMBER(li) ||
            !YAJL_IS_NUMBER(hii)) {
            free(t);
            free(mn);
            free(mx);
            return -1;
        }
        int64_t nb = YAJL_GET_INTEGER(bi) / factor;
        int64_t when = start_ns + nb * factor * bucket_ns;
        double vlo = YAJL_GET_DOUBLE(li);
        double vhi = YAJL_GET_DOUBLE(hii);
        /* Stored buckets ascend, so merged ones do: only the last can grow. */
        if (out > 0 && t[out - 1] == when) {
            mn[out - 1] = vlo < mn[out - 1] ? vlo : mn[out - 1];
            mx[out - 1] = vhi > mx[out - 1] ? vhi : mx[out - 1];
        } else {
            t[out] = when;
            mn[out] = vlo;
            mx[out] = vhi;
            out++;
        }
    }
    yajl_gen_map_open(g);
    pv_json_key_str(g, "channel", channel);
    pv_json_key_str(g, "signal", signal);
    pv_json_str(g, "time_ns");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < out; i++)
        yajl_gen_integer(g, t[i]);
    yajl_gen_array_close(g);
    for (int m = 0; m < 2; m++) {
        pv_json_str(g, m == 0 ? "min" : "max");
        yajl_gen_array_open(g);
        for (size_t i = 0; i < out; i++)
            yajl_gen_double(g, m == 0 ? mn[i] : mx[i]);
        yajl_gen_array_close(g);
    }
    yajl_gen_map_close(g);
    free(t);
    free(mn);
    free(mx);
    return 0;
}

/* Reads the preview file into g; -1 when it is damaged. */
static int gen_preview(yajl_gen g, FILE *f, const char *job_id, preview_query *q)
{
    char *line = NULL, err[128];
    size_t cap = 0;
    ssize_t len;
    yajl_val head = NULL;
    int rc = -1;

    if ((len = getline(&line, &cap, f)) <= 0 ||
        (head = pv_json_parse(line, (size_t)len, err, sizeof(err))) == NULL)
        goto out;
    int64_t start_ns = int_member(head, "start_ns"), bucket_ns = int_member(head, "bucket_ns"),
            stored = int_member(head, "points");
    if (start_ns < 0 || bucket_ns <= 0 || stored <= 0)
        goto out;
    /* Whole stored buckets per returned one: never more points than asked. */
    int64_t factor = (stored + q->points - 1) / q->points;
    yajl_gen_map_open(g);
    pv_json_key_str(g, "job_id", job_id);
    pv_json_key_time_ns(g, "start", start_ns);
    pv_json_key_int(g, "start_ns", start_ns);
    pv_json_key_int(g, "end_ns", int_member(head, "end_ns"));
    pv_json_key_int(g, "bucket_ns", factor * bucket_ns);
    pv_json_key_int(g, "points", (stored + factor - 1) / factor);
    pv_json_str(g, "series");
    yajl_gen_array_open(g);
    while ((len = getline(&line, &cap, f)) > 0) {
        yajl_val v = pv_json_parse(line, (size_t)len, err, sizeof(err));
        yajl_val ch = v ? member(v, "channel", yajl_t_string) : NULL;
        yajl_val sig = v ? member(v, "signal", yajl_t_string) : NULL;
        int bad = ch == NULL || sig == NULL;
        if (!bad && wanted(q, YAJL_GET_STRING(ch), YAJL_GET_STRING(sig)))
            bad = gen_series(g, v, YAJL_GET_STRING(ch), YAJL_GET_STRING(sig), start_ns, bucket_ns,
                             factor) != 0;
        yajl_tree_free(v);
        if (bad)
            goto out;
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    rc = 0;
out:
    yajl_tree_free(head);
    free(line);
    return rc;
}

int pv_api_jobs_preview(pv_api_env *env, h2o_req_t *req, const pivot_principal *who, const char *id)
{
    preview_query *q = h2o_mem_alloc_pool(&req->pool, sizeof(*q));
    pv_problem pb;
    pv_job job = {0};
    char path[PATH_MAX], file[PATH_MAX + sizeof(PV_PREVIEW_SUFFIX)];
    FILE *f = NULL;
    yajl_gen g = NULL;
    int rc = pv_jobstore_get(env->jobs, id, pv_api_owner_filter(who), &job);

    if (rc == PIVOT_ENOENT) {
        rc = pv_api_job_not_found(req);
        goto out;
    }
    if (rc != 0) {
        rc = pv_api_store_error(req, env->jobs, "job store");
        goto out;
    }
    if (parse_query(req, q, &pb) != 0) {
        rc = pv_reply_problem(req, &pb);
        goto out;
    }
    if (job.status != PV_JOB_COMPLETED || job.file_name == NULL) {
        int running = job.status == PV_JOB_QUEUED || job.status == PV_JOB_PROCESSING;
        if (running)
            pv_reply_header(req, "retry-after", "1");
        rc = pv_reply_error(req, job.status == PV_JOB_EXPIRED ? 410 : 409,
                            job.status == PV_JOB_EXPIRED ? "result-gone" : "job-not-finished",
                            "The job has no result to preview", "the job is %s; %s",
                            pv_job_status_name(job.status),
                            running ? "wait until its status is completed" : "it has no file");
        goto out;
    }
    if (pv_state_result_path(env->server->results_dir, job.file_name, path, sizeof(path)) == 0) {
        snprintf(file, sizeof(file), "%s" PV_PREVIEW_SUFFIX, path);
        f = fopen(file, "r");
    }
    if (f == NULL) {
        rc = pv_reply_error(req, 404, "preview-missing", "The job has no preview",
                            "no preview was written for this job (an export by an older pivotd, "
                            "or writing it failed); download the file instead");
        goto out;
    }
    g = pv_json_gen_new();
    if (gen_preview(g, f, id, q) != 0) {
        rc = pv_reply_error(req, 500, "preview-damaged", "The preview cannot be read",
                            "the job's preview file is damaged; download the file instead");
        goto out;
    }
    for (size_t i = 0; i < q->nnames; i++) {
        if (!q->found[i]) {
            char quoted[200];
            pv_problem_quote(q->names[i], quoted, sizeof(quoted));
            pv_problem_set(&pb, 422, "unknown-signal", "Unknown signal", "signals",
                           "signals: \"%s\" is not a numeric signal of this export; name them as "
                           "channel.signal (GET the preview without signals for all of them)",
                           quoted);
            rc = pv_reply_problem(req, &pb);
            goto out;
        }
    }
    pv_reply_header(req, "cache-control", "private");
    rc = pv_reply_json(req, 200, g);
out:
    if (g != NULL)
        yajl_gen_free(g);
    if (f != NULL)
        fclose(f);
    pv_job_clear(&job);
    return rc;
}
