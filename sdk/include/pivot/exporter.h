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
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One member of the job's `options.format_options`, the settings of its
 * format that a caller may choose per job (each exporter documents its
 * own). The value is given as text: a string's content, a number as it was
 * written, `true` or `false`. Elements of an array: this struct never grows.
 */
typedef struct pivot_format_option {
    const char *name;  /**< the member's name, e.g. "delimiter" */
    const char *value; /**< its value as text, e.g. ";" */
} pivot_format_option;

/** A kind of file an exporter writes: its name extension and media type. */
typedef struct pivot_file_type {
    size_t size;            /**< sizeof(pivot_file_type) */
    const char *extension;  /**< file name extension with the dot, e.g. ".csv" */
    const char *media_type; /**< Content-Type of such a result, e.g. "text/csv" */
} pivot_file_type;

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
    /** options.format_options as accepted by pivot_exporter.check_option, in the request's
     * order; NULL when there are none. */
    const pivot_format_option *format_options;
    size_t nformat_options; /**< elements of format_options */
    size_t nchannels;       /**< channels the job exports: begin_channel is called this often */
} pivot_export_info;

/** The value of options.format_options.<name> in info, or NULL when the job does not set it. */
static inline const char *pivot_format_option_get(const pivot_export_info *info, const char *name)
{
    for (size_t i = 0; i < info->nformat_options; i++)
        if (strcmp(info->format_options[i].name, name) == 0)
            return info->format_options[i].value;
    return NULL;
}

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

    /**
     * Optional (may be NULL): checks one member of a job's
     * options.format_options when the job is submitted (and in dry runs),
     * so that a wrong one is refused with a 400 before any work. Returns 0
     * to accept, or PIVOT_EINVAL with a sentence in err saying what the
     * member may be (the host names the field and the value). Without it
     * the format takes no format options and the host refuses every one.
     * Called on the server's HTTP threads: compute only, as estimate.
     */
    int (*check_option)(const char *name, const char *value, char *err, size_t errlen);

    /**
     * Optional (may be NULL): the other kinds of file this format writes
     * for some jobs, NULL-terminated, each with its own extension (the
     * server serves every one with its media type). E.g. the csv format
     * writes a zip of per-channel files, or a bare .csv for one channel.
     */
    const pivot_file_type *const *other_types;
    /**
     * Optional (may be NULL, then every file is of extension/media_type):
     * the kind of file the job described by info makes: NULL for
     * extension/media_type, or one of other_types. Called before open,
     * which then gets a path with that extension (plus ".part" while it
     * is written), and for dry runs: compute only, as estimate.
     */
    const pivot_file_type *(*file_type)(const pivot_export_info *info);
} pivot_exporter;

#ifdef __cplusplus
}
#endif

#endif
