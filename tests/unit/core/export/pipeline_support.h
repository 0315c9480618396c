/*
 * What the export pipeline's tests share: the provider tables of a scripted
 * source and a recording exporter, the count of the channel descriptions
 * the source handed out and has not had back, and a pipeline between them.
 */
#ifndef PIVOT_TEST_PIPELINE_SUPPORT_H
#define PIVOT_TEST_PIPELINE_SUPPORT_H

#include "pipeline.h"

/**
 * A zeroed channel description from calloc, counted in *infos_live; NULL
 * when out of memory. ps_free_info counts it back.
 */
pivot_channel_info *ps_info_new(int *infos_live);

/**
 * The free_info of the scripted sources. Their context starts with
 * `int infos_live`, so that a test can see every description freed.
 */
void ps_free_info(void *ctx, pivot_channel_info *info);

/** The provider table of a scripted source named "fake" (an initialiser). */
#define PS_SOURCE(describe_fn, scan_fn)                                                            \
    {                                                                                              \
        .size = sizeof(pivot_source), .name = "fake", .describe = (describe_fn),                   \
        .free_info = ps_free_info, .scan = (scan_fn),                                              \
    }

/**
 * The provider table of a recording exporter (an initialiser), under the
 * name of the hdf5 format, which the pipeline's messages then name.
 */
#define PS_EXPORTER(begin_fn, append_fn, end_fn)                                                   \
    {                                                                                              \
        .size = sizeof(pivot_exporter), .name = "hdf5", .extension = ".h5",                        \
        .begin_channel = (begin_fn), .append = (append_fn), .end_channel = (end_fn),               \
    }

/**
 * A pipeline of `channels` over `range` from source to exporter, built
 * against this ABI, in one thread, without progress or decimation.
 */
pv_pipeline ps_pipeline(const pivot_source *source, void *source_ctx,
                        const pivot_exporter *exporter, void *exp, pivot_range range,
                        const pv_pipeline_channel *channels, size_t nchannels);

#endif
