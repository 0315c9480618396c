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

#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One signal (column) of a channel. `time` is implicit and never listed.
 * An array element (pivot_channel_info.signals, begin_channel): it never
 * changes within the major; more about a signal goes into pivot_signal_detail.
 */
typedef struct pivot_signal_info {
    const char *name; /**< signal name as in the source schema */
    pivot_type type;  /**< element type */
} pivot_signal_info;

/**
 * More about one signal, in pivot_channel_info.details (reached through a
 * pointer, so it may grow: read it with pivot_signal_detail_read).
 */
typedef struct pivot_signal_detail {
    size_t size;                /**< sizeof(pivot_signal_detail) */
    int nullable;               /**< 1 when a sample may have no value: batches carry a mask */
    size_t nsymbols;            /**< PIVOT_TYPE_ENUM: number of symbols */
    const char *const *symbols; /**< PIVOT_TYPE_ENUM: the symbol of each index, in order */
    size_t fixed_size;       /**< PIVOT_TYPE_BYTES: the length of every element, 0 if it varies */
    const char *units;       /**< the signal's units as the source schema gives them, or NULL */
    const char *doc;         /**< the signal's description, or NULL */
    const char *source_type; /**< the type as the source names it (e.g. Avro JSON), or NULL */
} pivot_signal_detail;

/**
 * A field of the source's schema that is not a signal because no pivot_type
 * holds it. Listed so that users learn why it cannot be exported. An array
 * element: it never changes within the major.
 */
typedef struct pivot_unsupported_field {
    const char *name;        /**< field name, nested names joined with '.' */
    const char *source_type; /**< the type as the source names it ("array", "map"...) */
    const char *reason;      /**< why it is not exported, one sentence */
} pivot_unsupported_field;

/** What a source knows about one channel. Owned by the source. */
typedef struct pivot_channel_info {
    size_t size;                      /**< sizeof(pivot_channel_info) */
    const char *name;                 /**< channel name */
    size_t nsignals;                  /**< number of entries in signals */
    const pivot_signal_info *signals; /**< every signal but time, in schema order */
    const char *schema;               /**< source schema text (JSON) or NULL */
    /** NULL, or nsignals entries parallel to signals, each NULL or the signal's detail. */
    const pivot_signal_detail *const *details;
    size_t nunsupported;                        /**< number of entries in unsupported */
    const pivot_unsupported_field *unsupported; /**< fields that are not signals, or NULL */
    /** Where the schema came from ("file header", "registry"...), or NULL when unknown. */
    const char *schema_source;
    /** The unit the source stores time in: "s", "ms", "us" or "ns"; NULL when unknown. */
    const char *time_unit;
    /** How that unit was found ("logical type", "configured", "inferred"), or NULL. */
    const char *time_unit_source;
} pivot_channel_info;

/**
 * Copies the detail src (NULL is accepted: a signal without details) into
 * *out, reading only the bytes src->size covers and zeroing the rest, so
 * that *out can be read whole even when src was built before a member was
 * appended. out->size is sizeof(*out); strings stay borrowed from src.
 */
static inline void pivot_signal_detail_read(const pivot_signal_detail *src,
                                            pivot_signal_detail *out)
{
    memset(out, 0, sizeof(*out));
    if (src != NULL)
        memcpy(out, src, src->size < sizeof(*out) ? src->size : sizeof(*out));
    out->size = sizeof(*out);
    out->nullable = out->nullable != 0;
}

/**
 * One column of a batch: `count` elements of `type` (strings:
 * `const char *const *`; enums: `const int32_t *`; bytes: `const pivot_bytes *`).
 * An array element (pivot_batch.columns): it never changes within the major;
 * what a later version adds per column goes into pivot_batch, as `valid` did.
 */
typedef struct pivot_column {
    const char *name; /**< signal name */
    pivot_type type;  /**< element type */
    const void *data; /**< borrowed for the duration of the sink call */
} pivot_column;

/** Consecutive, time-ordered samples of one channel. Borrowed for one sink call. */
typedef struct pivot_batch {
    size_t size;                 /**< sizeof(pivot_batch) as its maker was built */
    size_t count;                /**< samples in this batch */
    const int64_t *time;         /**< count timestamps, ns since the epoch */
    size_t ncolumns;             /**< columns, in the order the scan asked for */
    const pivot_column *columns; /**< ncolumns columns of count elements each */
    /**
     * NULL, or ncolumns entries, each NULL (every sample has a value) or
     * `count` bytes, 1 where the sample has a value and 0 where it is null
     * (the element then holds the type's fill: NaN, 0, "" or no bytes).
     */
    const uint8_t *const *valid;
} pivot_batch;

/** Where a scan delivers its batches. */
typedef struct pivot_scan_sink {
    size_t size; /**< sizeof(pivot_scan_sink) as the host was built */
    void *arg;   /**< passed back to every callback */
    /** Receives one batch; a non-zero return stops the scan, which then returns that value. */
    int (*batch)(void *arg, const pivot_batch *batch);
    /** Reports a non-fatal problem (a damaged file skipped...); may be NULL. */
    void (*warning)(void *arg, const char *message);
} pivot_scan_sink;

/**
 * A data source. Instances (ctx) are used from one thread at a time.
 * Required: name, open, close, list_channels, describe, free_info, scan;
 * optional (may be NULL): span. register_source names a missing one.
 */
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
     * Optional (may be NULL): the time span the source holds for `channel`, first sample to last +
     * 1 ns, and an approximate sample rate in Hz (0 when unknown), found cheaply (from the ends of
     * the data, not by reading it all). A channel without samples gives {0, 0} and rate 0. Returns
     * 0, PIVOT_ENOENT when there is no such channel, or another PIVOT_E* code with a message.
     */
    int (*span)(void *ctx, const char *channel, pivot_range *out, double *rate_hz, char *err,
                size_t errlen);
} pivot_source;

#ifdef __cplusplus
}
#endif

#endif
