/*
 * How much of a requested range a channel's data covers, said in words
 * before the export (submission, dry run) and after it (the job's result):
 * an empty export should never look like a successful one.
 */
#ifndef PV_COVERAGE_H
#define PV_COVERAGE_H

#include "json_out.h"
#include "problem.h"

#include <pivot/source.h>
#include <stddef.h>

/** What a channel holds of a range. */
typedef enum pv_coverage_kind {
    PV_COVERAGE_FULL = 0, /**< data from the range's start to its end (within one sample) */
    PV_COVERAGE_PARTIAL,  /**< data in the range, but it starts late or ends early */
    PV_COVERAGE_NONE,     /**< no data in the range */
    PV_COVERAGE_UNKNOWN   /**< the source cannot tell (no span function) */
} pv_coverage_kind;

/** A channel's coverage of a requested range. */
typedef struct pv_coverage {
    pv_coverage_kind kind;
    pivot_range requested; /**< the job's range */
    pivot_range span;      /**< all the source holds for the channel; {0, 0} when none */
} pv_coverage;

/** Asks the source for the channel's span and classifies it against range. */
void pv_coverage_of(const pivot_source *src, void *ctx, const char *channel, pivot_range range,
                    pv_coverage *out);

/** The API's word for a kind that deserves a warning: "no-data" or "partial-data". */
const char *pv_coverage_kind_name(pv_coverage_kind kind);

/** True when the coverage deserves a warning (partial or none). */
int pv_coverage_is_short(const pv_coverage *c);

/** The warning in words: names the channel, the range asked and the span held. */
void pv_coverage_message(const char *channel, const pv_coverage *c, char *out, size_t len);

/**
 * Writes the warning object {"channel", "kind", "requested": {start, end},
 * "available": {start, end: the last sample} or null, "message"}.
 */
void pv_coverage_gen(yajl_gen g, const char *channel, const pv_coverage *c);

/**
 * options.on_missing: "warn" (the default, also null) or "fail". Sets *fail;
 * returns 0, or -1 with a 400 in pb.
 */
int pv_coverage_parse_on_missing(yajl_val options, int *fail, pv_problem *pb);

/**
 * With on_missing "fail": refuses (422 missing-data in pb, -1) a job any of
 * whose channels lacks data in range, in the words of the warnings.
 */
int pv_coverage_refuse_short(const pivot_source *src, void *ctx, char *const *channels,
                             size_t nchannels, pivot_range range, pv_problem *pb);

#endif
