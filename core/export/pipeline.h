/*
 * The export pipeline: streams each channel of a job from a data source into
 * an exporter, batch by batch. It knows nothing of the job store, so a
 * benchmark can drive it directly with any source and exporter.
 */
#ifndef PV_PIPELINE_H
#define PV_PIPELINE_H

#include "decimate.h"

#include <pivot/plugin.h>

/** Source warnings kept in a result; further ones are only logged and counted. */
#define PV_PIPELINE_MAX_WARNINGS 20

/** One channel to export and the signals wanted from it, in output order. Borrowed. */
typedef struct pv_pipeline_channel {
    const char *name;
    const char *const *signals;
    size_t nsignals;
} pv_pipeline_channel;

/**
 * Told the overall progress (0..99, 100 is only reached when the caller has
 * finished the file) after every batch and every channel. A non-zero return
 * cancels the export at that point.
 */
typedef int (*pv_pipeline_progress_fn)(void *arg, double percent);

/** What to export. Every pointer is borrowed for the duration of pv_pipeline_run. */
typedef struct pv_pipeline {
    const pivot_source *source;
    void *source_ctx; /**< an instance from source->open */
    const pivot_exporter *exporter;
    void *exp;         /**< an instance from exporter->open; the caller closes it */
    pivot_range range; /**< requested range, [start_ns, end_ns) */
    const pv_pipeline_channel *channels;
    size_t nchannels;
    pv_pipeline_progress_fn progress; /**< may be NULL */
    void *progress_arg;
    /**
     * Threads that read channels while the calling thread writes: 0 reads
     * and writes in the calling thread. Decoder k reads channels k, k + n,
     * k + 2n...; the first uses source_ctx, each other one its own instance
     * opened on source_location (without a location, only one decoder
     * runs). Every exporter call, and every progress call, stays in the
     * calling thread.
     */
    unsigned decoders;
    const char *source_location; /**< as given to source->open, or NULL */
    /** Told each channel's totals once it is written, in channel order; may be NULL. */
    void (*channel_done)(void *arg, size_t index, const pivot_channel_summary *summary);
    void *channel_done_arg;
    /**
     * options.decimation; method PV_DECIMATE_NONE (zero) exports every
     * sample. Interval buckets are aligned to range.start_ns. The exporter
     * is given the decimated signals, the summaries count decimated rows.
     */
    pv_decimation decimation;
    /**
     * Where the rows handed to the exporter are summed up for the quick
     * look, or NULL. Its failures never fail the export: the worker drops
     * an incomplete preview.
     */
    struct pv_preview *preview;
} pv_pipeline;

/** What an export did, as far as it went. */
typedef struct pv_pipeline_result {
    /** Totals over the channels written: ready to hand to exporter->close. */
    pivot_export_summary summary;
    /** The last progress reported, for messages ("cancelled at 42%"). */
    double percent;
    /** Source warnings, in order; nwarnings counts every one, kept or not. */
    size_t nwarnings;
    char warnings[PV_PIPELINE_MAX_WARNINGS][PIVOT_ERRMSG_SIZE];
} pv_pipeline_result;

/** Batches a decoder thread may hold ahead of the writer, per decoder. */
#define PV_PIPELINE_QUEUE_DEPTH 6

/**
 * Runs the export: for each channel, describe, begin_channel, scan (append
 * per batch), end_channel. begin_channel is given a channel description of
 * the exported signals only, in order, each with a complete detail (see
 * export_signals.h); appended batches carry `valid` when an exported signal
 * is nullable and the exporter's ABI knows masks. Returns 0 when every
 * channel was written, PIVOT_ECANCELED when the progress callback asked to
 * stop, or another PIVOT_E* code with a message in err that says what failed
 * and where (`channel "ch003": reading data_1736000000.avro failed: ...`).
 * res is filled in every case. The exporter instance is left open either
 * way.
 */
int pv_pipeline_run(const pv_pipeline *p, pv_pipeline_result *res, char *err, size_t errlen);

/**
 * Writes the exporter's name as a reader knows the format ("hdf5" -> "HDF5"),
 * for messages such as "writing the HDF5 file failed".
 */
void pv_pipeline_format_label(const pivot_exporter *exporter, char *out, size_t len);

#endif
