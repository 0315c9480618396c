/*
 * What the two halves of the pipeline share: pipeline.c writes channels,
 * pipeline_lanes.c reads them ahead in decoder threads. Not for other
 * modules.
 */
#ifndef PV_PIPELINE_INTERNAL_H
#define PV_PIPELINE_INTERNAL_H

#include "pipeline.h"

/*
 * Where a channel's description and samples come from: straight from the
 * source in the calling thread, or from a decoder thread's queue.
 */
typedef struct pv_channel_feed {
    int (*describe)(void *arg, size_t index, pivot_channel_info **out, char *msg, size_t len);
    int (*scan)(void *arg, size_t index, const pivot_scan_sink *sink, char *msg, size_t len);
    void (*free_info)(void *arg, pivot_channel_info *info); /* NULL: the feed frees them */
    void *arg;
} pv_channel_feed;

/*
 * Exports channel `index` of p from the feed: describe, begin_channel, scan,
 * end_channel, adding its totals to res. Returns 0 or a PIVOT_E* code with
 * the message in err.
 */
int pv_pipeline_run_channel(const pv_pipeline *p, const pv_channel_feed *feed, size_t index,
                            pv_pipeline_result *res, char *err, size_t errlen);

/* Runs every channel of p with p->decoders decoder threads reading ahead. */
int pv_pipeline_run_lanes(const pv_pipeline *p, pv_pipeline_result *res, char *err, size_t errlen);

#endif
