/*
 * Exporters: write the columnar batches of a job into an output file
 * (`options.format`). The host calls open, then for each channel
 * begin_channel, append..., end_channel, and finally close; close is called
 * exactly once after a successful open, also when a step failed or the job
 * was cancelled (then with a NULL summary).
 *
 * Exporters run inside `pivotd worker`, a process started for one job. An
 * instance is called from one thread at a time, not necessarily the
 * process's main thread; separate instances share nothing but the plugin's
 * statics, which should be read-only after init. A failing callback returns a PIVOT_E* code
 * with a message in err; the job fails and the user reads the message in
 * the job's `error`.
 */
#ifndef PIVOT_EXPORTER_H
#define PIVOT_EXPORTER_H

#include <pivot/source.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Facts about the job being exported, for the file's metadata. Borrowed. */
typedef struct pivot_export_info {
    size_t size;               /**< sizeof(pivot_export_info) */
    const char *job_id;        /**< the job's id */
    const char *request_json;  /**< the request as accepted, JSON text */
    pivot_range requested;     /**< resolved, absolute requested range */
    const char *metadata_json; /**< options.metadata as JSON text, or NULL */
    const char *description;   /**< options.metadata.description, or NULL */
    const char *user;          /**< options.metadata.user, or NULL */
    const char *owner;         /**< the authenticated user who submitted the job */
    const char *producer;      /**< "pivotd <version>" */
    unsigned gzip_level;       /**< options.compression: 0 none, 1..9 gzip (deflate) with shuffle */
    uint64_t chunk_size;       /**< options.chunk_size in elements per chunk, 0 for the default */
    const char *decimation_method;  /**< options.decimation.method, or NULL when not decimated */
    uint64_t decimation_factor;     /**< samples per bucket with `factor`, else 0 */
    int64_t decimation_interval_ns; /**< bucket length in ns with `interval`, else 0 */
} pivot_export_info;

/** Totals of one channel, given at end_channel. */
typedef struct pivot_channel_summary {
    size_t size;        /**< sizeof(pivot_channel_summary) */
    uint64_t samples;   /**< samples written */
    pivot_range actual; /**< first time and last time + 1 ns; both 0 when empty */
} pivot_channel_summary;

/** Totals of the whole export, given at close. */
typedef struct pivot_export_summary {
    size_t size;        /**< sizeof(pivot_export_summary) */
    uint64_t samples;   /**< samples written over all channels */
    uint32_t channels;  /**< channels written */
    pivot_range actual; /**< earliest time and latest time + 1 ns; both 0 when empty */
} pivot_export_summary;

/**
 * One channel of a dry run, as pivot_exporter.estimate is told it: what
 * begin_channel would be given and how many rows append would receive in
 * all. Borrowed for the call.
 */
typedef struct pivot_estimate_channel {
    size_t size; /**< sizeof(pivot_estimate_channel) */
    /**
     * The channel as begin_channel would receive it: exactly the exported
     * signals, decimated ones included (`x.min`), each with a detail. A
     * signal the source does not describe is shown as float64.
     */
    const pivot_channel_info *channel;
    /** Rows of the channel: its samples in the range, or its buckets when decimated. An estimate
     * from the source's span and rate, not a count. */
    uint64_t rows;
} pivot_estimate_channel;

/**
 * An output format. One instance writes one file from one thread. Every
 * member up to close is required (register_exporter names a missing one);
 * estimate, appended to ABI 1, is optional.
 */
typedef struct pivot_exporter {
    size_t size;            /**< sizeof(pivot_exporter) as the plugin was built */
    const char *name;       /**< format name as in options.format, e.g. "hdf5" */
    const char *extension;  /**< file name extension with the dot, e.g. ".h5" */
    const char *media_type; /**< Content-Type of the result, e.g. "application/x-hdf5" */

    /** Creates the file at path (which does not exist yet). */
    int (*open)(const char *path, const pivot_export_info *info, void **exp, char *err,
                size_t errlen);
    /**
     * Starts a channel whose batches will carry the listed signals in this
     * order. `channel` (valid until end_channel returns) describes exactly
     * those signals: channel->nsignals == nsignals, and channel->details[i]
     * (never NULL) is the detail of signals[i], also for a decimated output
     * such as `x.min`.
     */
    int (*begin_channel)(void *exp, const pivot_channel_info *channel,
                         const pivot_signal_info *signals, size_t nsignals, char *err,
                         size_t errlen);
    /** Appends one batch to the current channel. */
    int (*append)(void *exp, const pivot_batch *batch, char *err, size_t errlen);
    /** Ends the current channel. */
    int (*end_channel)(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen);
    /**
     * Closes the file and frees exp. With a summary the export is complete
     * and the file must be fully written when close returns; with NULL the
     * export is abandoned and the file's contents do not matter (the host
     * removes it).
     */
    int (*close)(void *exp, const pivot_export_summary *summary, char *err, size_t errlen);

    /**
     * Optional (may be NULL): the size in bytes of the file that open ...
     * close would write for these channels with info's options, for a dry
     * run (`POST /jobs?dry_run=true`), into *bytes. Nothing is written and
     * no data is read: the rows are the host's estimate. info is the job's
     * as open would get it, except that there is no job yet (job_id is "").
     * Called in the server process on its HTTP threads, concurrently and
     * while they serve other requests: compute only, without I/O, locks or
     * libraries that are not thread-safe. Returns 0, or a PIVOT_E* code with
     * a message in err (the host then gives the generic estimate of
     * docs/api.md). Without it the host gives that generic estimate.
     */
    int (*estimate)(const pivot_export_info *info, const pivot_estimate_channel *const *channels,
                    size_t nchannels, uint64_t *bytes, char *err, size_t errlen);
} pivot_exporter;

#ifdef __cplusplus
}
#endif

#endif
