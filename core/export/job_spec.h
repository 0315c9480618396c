/*
 * A job's spec: what the server wrote into the job row at submit time (the
 * request resolved: absolute range, channels and signals, options), read
 * back by the worker that runs the job.
 */
#ifndef PV_JOB_SPEC_H
#define PV_JOB_SPEC_H

#include "pipeline.h"

#include <yajl/yajl_tree.h>

/** A parsed spec. Strings point into tree; free with pv_job_spec_free. */
typedef struct pv_job_spec {
    yajl_val tree;
    pivot_range range;
    const char *format;
    const char *source;
    pv_pipeline_channel *channels;
    size_t nchannels;
    const char **signal_names; /**< every channel's signals, one allocation */
    char *metadata_json;       /**< NULL when metadata is null */
    const char *description;
    const char *user;
    pivot_format_option *format_options; /**< options.format_options, pointing into tree */
    size_t nformat_options;
    int64_t gzip_level;       /**< 0: no compression */
    int64_t chunk_size;       /**< 0: the exporter's default */
    pv_decimation decimation; /**< method NONE when the spec has none */
} pv_job_spec;

/**
 * Parses spec text (version 1). Returns 0, or PIVOT_EINVAL / PIVOT_ENOMEM
 * with a message in err naming the faulty field; spec must be freed with
 * pv_job_spec_free in either case.
 */
int pv_job_spec_parse(const char *text, pv_job_spec *spec, char *err, size_t errlen);

/**
 * Fills info with what the spec says of the file (range, metadata, storage
 * options, decimation) and the producer; the job's own members (job_id,
 * request_json, owner) are left NULL for the caller. Borrows from spec.
 */
void pv_job_spec_export_info(const pv_job_spec *spec, pivot_export_info *info);

/** Frees what a spec holds and zeroes it; a zeroed spec is accepted. */
void pv_job_spec_free(pv_job_spec *spec);

#endif
