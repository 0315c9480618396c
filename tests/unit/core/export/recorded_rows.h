/*
 * Every row of the batches handed to a sink, copied as it arrives, for the
 * tests of the decimator and of the export pipeline: numbers widened to
 * double, each column's mask byte, and the first rows' strings and bytes.
 * The recorder checks nothing itself; the test checks what it holds.
 */
#ifndef PIVOT_TEST_RECORDED_ROWS_H
#define PIVOT_TEST_RECORDED_ROWS_H

#include <pivot/source.h>

#include <stddef.h>
#include <stdint.h>

/** Rows kept; later rows are counted in neither `rows` nor the arrays. */
#define RECORDED_MAX_ROWS 20000
/** Columns kept of each row. */
#define RECORDED_MAX_COLS 8
/** Rows whose strings and bytes are kept, to keep the record small. */
#define RECORDED_TEXT_ROWS 16

/** What the sink was handed. Zero it before use; it is too large for the stack. */
typedef struct recorded_rows {
    size_t rows;
    size_t batches;
    size_t batches_with_valid; /**< batches that carried `valid` */
    int last_valid;            /**< the last batch carried `valid` */
    size_t ncols;              /**< columns of the last batch */
    int fail_at_batch; /**< record_rows returns PIVOT_EIO at this batch (1-based); 0: never */
    int64_t time[RECORDED_MAX_ROWS];
    pivot_type type[RECORDED_MAX_COLS];
    double num[RECORDED_MAX_COLS][RECORDED_MAX_ROWS]; /**< int, float, bool and enum columns */
    int valid[RECORDED_MAX_COLS][RECORDED_MAX_ROWS];  /**< -1: the column had no mask */
    char str[RECORDED_MAX_COLS][RECORDED_TEXT_ROWS][16];
    uint8_t bytes[RECORDED_MAX_COLS][RECORDED_TEXT_ROWS][8];
    size_t len[RECORDED_MAX_COLS][RECORDED_TEXT_ROWS]; /**< the length of each bytes element */
} recorded_rows;

/** A batch sink: appends the rows of b to the recorded_rows at arg. Returns 0 or PIVOT_EIO. */
int record_rows(void *arg, const pivot_batch *b);

#endif
