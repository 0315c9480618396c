/*
 * The detail of a completed job's result as the job row stores it: each
 * channel's totals and what it lacks of the range, and the source's
 * warnings, cleaned of the server's paths.
 */
#ifndef PV_RESULT_DETAIL_H
#define PV_RESULT_DETAIL_H

#include "coverage.h"
#include "json_out.h"
#include "pipeline.h"

/** One channel's line in a completed job's result detail. */
typedef struct pv_json_channel_detail {
    const char *name;
    uint64_t samples;
    int64_t first_ns;     /**< first sample written; read only when samples > 0 */
    int64_t last_ns;      /**< last sample written (inclusive) */
    pv_coverage coverage; /**< what the channel holds of the range; zeroed: full */
} pv_json_channel_detail;

/**
 * Returns, malloc'd, the detail as stored: {"channels": [{"name", "samples",
 * "first", "last", and "missing_data" when the channel is short}...],
 * "channels_missing": [names without a sample], "missing_data": [each short
 * channel's warning object of coverage.h], "warnings": [the given source
 * warnings]}. NULL when out of memory.
 */
char *pv_result_detail_json(const pv_json_channel_detail *channels, size_t nchannels,
                            const char *const *warnings, size_t nwarnings);

/**
 * Builds the result detail JSON of an export: the nchannels channel totals
 * and the warnings kept in res, each with the paths under data_dir cut to
 * their file names (all a user can act on). Returns a string the caller
 * frees, or NULL when out of memory.
 */
char *pv_result_detail_build(const char *data_dir, const pv_json_channel_detail *channels,
                             size_t nchannels, const pv_pipeline_result *res);

#endif
