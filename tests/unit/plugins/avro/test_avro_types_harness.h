/*
 * What the avro type tests share beyond the plugin's host
 * (test_avro_host.h): a sink that checks every element of every batch
 * against a formula as it arrives.
 */
#ifndef TEST_AVRO_TYPES_HARNESS_H
#define TEST_AVRO_TYPES_HARNESS_H

#include "test_avro_host.h"
#include "test_avro_types_fixture.h"

#include <pivot/plugin.h>

typedef struct th_check th_check;

/** The expected value of signal `name` at record index i (from the time). */
typedef int (*th_expect_fn)(const th_check *c, const char *name, size_t i, tx_value *out);

/** What a scan delivered, checked as it arrived. */
struct th_check {
    const char *const *names; /**< requested signals */
    const int *nullable;      /**< per requested signal: 1 when a mask is expected */
    size_t n;                 /**< number of requested signals */
    th_expect_fn expect;      /**< the formulas; tx_expect when NULL */
    size_t first;             /**< record index of the first sample */
    size_t rows;              /**< samples seen */
    size_t bad_values;        /**< elements that differ from the formula */
    size_t bad_times;         /**< samples whose time is not that of the next record */
    size_t bad_masks;         /**< batches whose masks are not where nullability says */
    size_t batches;
    size_t warnings;
    char warning[PIVOT_ERRMSG_SIZE]; /**< the last warning */
};

/** Scans `channel` over [start, end) into `c` (whose counters it resets); returns the scan's. */
int th_scan(void *ctx, const char *channel, int64_t start, int64_t end, th_check *c, char *err,
            size_t errlen);

#endif
