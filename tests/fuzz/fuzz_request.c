/*
 * The job request validator (core/src/request.c) with the real plugins: the
 * input is a POST body, validated against a small generated cache (two
 * channels from pivot-gen-avro) with the time-spec, Avro and HDF5 plugins
 * loaded, exactly as an HTTP thread validates it.
 */
#include "fuzz_env.h"
#include "fuzz_target.h"
#include "request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *source_ctx;

static void setup(fuzz_env *env)
{
    char cmd[512], err[1024] = "";
    snprintf(cmd, sizeof(cmd),
             "'%s' --out '%s' --channels 2 --seconds 20 --rate 10 --signals 2 --with-mode "
             "--start 2025-01-01T00:00:00Z >/dev/null",
             FUZZ_GEN_AVRO, env->config.data_dir);
    if (system(cmd) != 0)
        abort();
    if (env->source->open(env->config.data_dir, &source_ctx, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz: %s\n", err);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_env *env = fuzz_env_get();
    pv_request_env renv;
    pv_problem problem;
    pv_job job;

    if (source_ctx == NULL)
        setup(env);
    renv.registry = env->registry;
    renv.config = &env->config;
    renv.source = env->source;
    renv.source_ctx = source_ctx;
    renv.now_ns = INT64_C(1735689615) * 1000000000; /* 2025-01-01T00:00:15Z */
    memset(&job, 0, sizeof(job));
    memset(&problem, 0, sizeof(problem));
    if (pv_request_validate(&renv, (const char *)data, size, &job, &problem) == 0) {
        if (job.range_start_ns < 0 || job.range_end_ns <= job.range_start_ns)
            abort(); /* an accepted job always has a non-empty range from 1970 on */
    } else if (problem.status < 400 || problem.status > 599 ||
               memchr(problem.detail, '\0', sizeof(problem.detail)) == NULL) {
        abort();
    }
    pv_job_clear(&job);
    return 0;
}
