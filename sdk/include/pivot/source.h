/*
 * Data sources: where channels come from. A source lists channels,
 * describes a channel's signals, and streams a time range of one channel as
 * columnar batches, never holding a whole channel in memory.
 *
 * The server opens one instance to check requests (list_channels and
 * describe, serialised by the server); each `pivotd worker` process opens
 * its own to scan. Callbacks that fail return a PIVOT_E* code with a message
 * in err, which the user sees in the job's `error` or the HTTP problem.
 */
#ifndef PIVOT_SOURCE_H
#define PIVOT_SOURCE_H

#include <pivot/host.h>

#ifdef __cplusplus
extern "C" {
#endif

/** One signal (column) of a channel. `time` is implicit and never listed. */
typedef struct pivot_signal_info {
    const char *name; /**< signal name as in the source schema */
    pivot_type type;  /**< element type */
} pivot_signal_info;

/** What a source knows about one channel. Owned by the source. */
typedef struct pivot_channel_info {
    size_t size;                      /**< sizeof(pivot_channel_info) */
    const char *name;                 /**< channel name */
    size_t nsignals;                  /**< number of entries in signals */
    const pivot_signal_info *signals; /**< every signal but time, in schema order */
    const char *schema;               /**< source schema text (JSON) or NULL */
} pivot_channel_info;

/** One column of a batch: `count` elements of `type` (strings: `const char *const *`). */
typedef struct pivot_column {
    const char *name; /**< signal name */
    pivot_type type;  /**< element type */
    const void *data; /**< borrowed for the duration of the sink call */
} pivot_column;

/** Consecutive, time-ordered samples of one channel. Borrowed for one sink call. */
typedef struct pivot_batch {
    size_t count;                /**< samples in this batch */
    const int64_t *time;         /**< count timestamps, ns since the epoch */
    size_t ncolumns;             /**< columns, in the order the scan asked for */
    const pivot_column *columns; /**< ncolumns columns of count elements each */
} pivot_batch;

/** Where a scan delivers its batches. */
typedef struct pivot_scan_sink {
    void *arg; /**< passed back to every callback */
    /** Receives one batch; a non-zero return stops the scan, which then returns that value. */
    int (*batch)(void *arg, const pivot_batch *batch);
    /** Reports a non-fatal problem (a damaged file skipped...); may be NULL. */
    void (*warning)(void *arg, const char *message);
} pivot_scan_sink;

/** A data source. Instances (ctx) are used from one thread at a time. */
typedef struct pivot_source {
    size_t size;      /**< sizeof(pivot_source) as the plugin was built */
    const char *name; /**< "avro" */

    /** Opens an instance over `location` (for avro: the data directory). */
    int (*open)(const char *location, void **ctx, char *err, size_t errlen);
    /** Releases an instance; NULL is accepted. */
    void (*close)(void *ctx);
    /** Calls cb for every channel name, sorted; a non-zero cb return stops and is returned. */
    int (*list_channels)(void *ctx, int (*cb)(void *arg, const char *channel), void *arg, char *err,
                         size_t errlen);
    /**
     * Describes a channel. Returns 0 and a description the caller releases
     * with free_info, PIVOT_ENOENT when there is no such channel, or another
     * PIVOT_E* code with a message.
     */
    int (*describe)(void *ctx, const char *channel, pivot_channel_info **out, char *err,
                    size_t errlen);
    /** Releases what describe returned; NULL is accepted. */
    void (*free_info)(void *ctx, pivot_channel_info *info);
    /**
     * Streams the samples of `channel` with start_ns <= time < end_ns, in
     * time order, as batches holding the listed signals (in that order).
     * Returns 0, the sink's non-zero return, or a PIVOT_E* code with a message.
     */
    int (*scan)(void *ctx, const char *channel, const char *const *signals, size_t nsignals,
                pivot_range range, const pivot_scan_sink *sink, char *err, size_t errlen);
    /**
     * Optional, since ABI 1.3 (check with PIVOT_HAS_MEMBER; may be NULL): the
     * time span the source holds for `channel`, first sample to last + 1 ns,
     * and an approximate sample rate in Hz (0 when unknown), found cheaply
     * (from the ends of the data, not by reading it all). A channel without
     * samples gives {0, 0} and rate 0. Returns 0, PIVOT_ENOENT when there is
     * no such channel, or another PIVOT_E* code with a message.
     */
    int (*span)(void *ctx, const char *channel, pivot_range *out, double *rate_hz, char *err,
                size_t errlen);
} pivot_source;

#ifdef __cplusplus
}
#endif

#endif
