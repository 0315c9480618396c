#include "job_json.h"

#include "json_out.h"

#include <stdio.h>
#include <string.h>

static const char *const priority_names[] = {"low", "normal", "high"};

/* The stored detail's members, spliced into the result; jobs completed
 * before the detail was recorded have none. */
static void gen_detail(yajl_gen g, const char *detail)
{
    char err[128];
    yajl_val tree = detail != NULL ? pv_json_parse(detail, strlen(detail), err, sizeof(err)) : NULL;
    int partial = 0;

    if (!YAJL_IS_OBJECT(tree))
        goto out;
    for (size_t i = 0; i < tree->u.object.len; i++) {
        yajl_val v = tree->u.object.values[i];
        pv_json_str(g, tree->u.object.keys[i]);
        pv_json_tree(g, v);
        if ((strcmp(tree->u.object.keys[i], "channels_missing") == 0 ||
             strcmp(tree->u.object.keys[i], "missing_data") == 0 ||
             strcmp(tree->u.object.keys[i], "warnings") == 0) &&
            YAJL_IS_ARRAY(v) && v->u.array.len > 0)
            partial = 1;
    }
    /* Missing channels, data short of the range or damaged files: the file
     * holds less than asked. */
    pv_json_str(g, "partial");
    yajl_gen_bool(g, partial);
out:
    yajl_tree_free(tree);
}

void pv_job_json(yajl_gen g, const pv_job *job, const pv_job_view *view)
{
    char url[128];
    int finished = job->status == PV_JOB_COMPLETED || job->status == PV_JOB_FAILED ||
                   job->status == PV_JOB_CANCELLED || job->status == PV_JOB_EXPIRED;
    int64_t expires_ms = job->expired_ms != 0 ? job->expired_ms + view->retention_s * 1000
                                              : job->finished_ms + view->retention_s * 1000;

    yajl_gen_map_open(g);
    pv_json_key_str(g, "job_id", job->id);
    pv_json_key_str(g, "status", pv_job_status_name(job->status));
    /* Whole percent: clients compare it with 100 and print it. */
    pv_json_key_int(g, "progress", job->status == PV_JOB_COMPLETED ? 100 : (int64_t)job->progress);
    pv_json_key_int(g, "attempts", job->attempts);
    pv_json_key_str(g, "priority",
                    priority_names[job->priority >= 0 && job->priority <= 2 ? job->priority : 1]);
    if (job->status == PV_JOB_QUEUED && view->queue_position > 0)
        pv_json_key_int(g, "queue_position", view->queue_position);
    else
        pv_json_key_null(g, "queue_position");
    pv_json_key_time_ms(g, "created_at", job->created_ms);
    pv_json_key_time_ms(g, "started_at", job->started_ms);
    pv_json_key_time_ms(g, "completed_at", finished ? job->finished_ms : 0);
    /* An expired job's row lasts one more retention period: that is when it goes. */
    pv_json_key_time_ms(g, "expires_at", finished ? expires_ms : 0);
    pv_json_str(g, "time_range");
    yajl_gen_map_open(g);
    pv_json_key_time_ns(g, "start", job->range_start_ns);
    pv_json_key_time_ns(g, "end", job->range_end_ns);
    yajl_gen_map_close(g);
    pv_json_key_str(g, "format", job->format);
    pv_json_str(g, "result");
    if (job->status == PV_JOB_COMPLETED) {
        snprintf(url, sizeof(url), "/api/v1/pivot/jobs/%s/download", job->id);
        yajl_gen_map_open(g);
        pv_json_key_str(g, "file_url", url);
        pv_json_key_int(g, "file_size", job->file_size);
        pv_json_key_int(g, "channels_exported", job->channels_exported);
        pv_json_key_int(g, "samples_exported", job->samples);
        pv_json_str(g, "time_range_actual");
        if (job->samples > 0) {
            /* The stored end is exclusive (last sample + 1 ns); the API shows
             * the first and the last sample exported. */
            yajl_gen_map_open(g);
            pv_json_key_time_ns(g, "start", job->actual_start_ns);
            pv_json_key_time_ns(g, "end", job->actual_end_ns - 1);
            yajl_gen_map_close(g);
        } else {
            yajl_gen_null(g);
        }
        gen_detail(g, job->result_detail);
        yajl_gen_map_close(g);
    } else {
        yajl_gen_null(g);
    }
    if (job->status == PV_JOB_EXPIRED)
        pv_json_key_str(g, "error",
                        "the result was deleted when its retention period ended; "
                        "submit the job again");
    else
        pv_json_key_str(g, "error", job->status == PV_JOB_COMPLETED ? NULL : job->error);
    if (view->action != NULL)
        pv_json_key_str(g, "action", view->action);
    yajl_gen_map_close(g);
}
