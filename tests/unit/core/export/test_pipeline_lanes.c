/*
 * The pipeline's own tests (test_pipeline.c) run again with the channels
 * read by decoder threads: every call order, message, total and progress
 * figure must be the same as when one thread does everything.
 */
#define pv_pipeline_run run_with_decoders
#include "test_pipeline.c"
#undef pv_pipeline_run

int pv_pipeline_run(const pv_pipeline *p, pv_pipeline_result *res, char *err, size_t errlen);

int run_with_decoders(const pv_pipeline *p, pv_pipeline_result *res, char *err, size_t errlen)
{
    pv_pipeline threaded = *p;

    /* Without a location there is one decoder thread, on the caller's instance. */
    threaded.decoders = 2;
    threaded.source_location = NULL;
    return pv_pipeline_run(&threaded, res, err, errlen);
}
