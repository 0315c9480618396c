/*
 * The "warnings" of a submission and of a dry run: each channel of the job
 * whose data misses the range, in whole or in part, said before a worker
 * spends time on an export that will come back empty.
 */
#include "api.h"

#include "coverage.h"
#include "job_spec.h"
#include "json_out.h"

void pv_api_gen_missing_data(pv_api_env *env, yajl_gen g, const pv_job *job)
{
    const pivot_source *src = env->server->source;
    pv_job_spec spec;
    pv_coverage c;
    char err[PIVOT_ERRMSG_SIZE];
    int parsed = job->spec != NULL && pv_job_spec_parse(job->spec, &spec, err, sizeof(err)) == 0;

    pv_json_str(g, "warnings");
    yajl_gen_array_open(g);
    for (size_t i = 0; parsed && i < spec.nchannels; i++) {
        pv_coverage_of(src, env->source_ctx, spec.channels[i].name, spec.range, &c);
        if (pv_coverage_is_short(&c))
            pv_coverage_gen(g, spec.channels[i].name, &c);
    }
    yajl_gen_array_close(g);
    if (parsed)
        pv_job_spec_free(&spec);
}
