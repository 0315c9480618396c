/*
 * The detail of a completed job's result as the job row stores it: each
 * channel's totals and the source's warnings, cleaned of the server's paths.
 */
#ifndef PV_RESULT_DETAIL_H
#define PV_RESULT_DETAIL_H

#include "json_out.h"
#include "pipeline.h"

/**
 * Builds the result detail JSON of an export: the nchannels channel totals
 * and the warnings kept in res, each with the paths under data_dir cut to
 * their file names (all a user can act on). Returns a string the caller
 * frees, or NULL when out of memory.
 */
char *pv_result_detail_build(const char *data_dir, const pv_channel_detail *channels,
                             size_t nchannels, const pv_pipeline_result *res);

#endif
