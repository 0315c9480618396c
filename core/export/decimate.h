/*
 * Decimation (options.decimation): reduces a channel's samples to one row per
 * bucket, either every `factor` samples or every `interval` of time aligned
 * to the range start. A decimator is fed the source's batches in time order
 * and hands out batches of decimated rows; docs/api.md, "Decimation", says
 * what each method writes.
 */
#ifndef PV_DECIMATE_H
#define PV_DECIMATE_H

#include <pivot/plugin.h>

/** How a bucket becomes a row. */
typedef enum pv_decimate_method {
    PV_DECIMATE_NONE = 0,   /**< no decimation: every sample is exported */
    PV_DECIMATE_DOWNSAMPLE, /**< the bucket's first sample */
    PV_DECIMATE_MEAN,       /**< arithmetic mean, as float64 */
    PV_DECIMATE_MIN,        /**< smallest value, in the signal's type */
    PV_DECIMATE_MAX,        /**< largest value, in the signal's type */
    PV_DECIMATE_RMS,        /**< root mean square, as float64 */
    PV_DECIMATE_MINMAX      /**< two datasets, <signal>.min and <signal>.max */
} pv_decimate_method;

/** A resolved options.decimation: exactly one of factor and interval_ns is non-zero. */
typedef struct pv_decimation {
    pv_decimate_method method; /**< PV_DECIMATE_NONE: the rest is ignored */
    uint64_t factor;           /**< samples per bucket, or 0 */
    int64_t interval_ns;       /**< bucket length in ns, or 0 */
} pv_decimation;

/** Rows a decimator gathers before handing them out in one batch. */
#define PV_DECIMATE_BATCH_ROWS 4096

/** Finds a method by its name in requests ("mean"); returns 0 or PIVOT_EINVAL. */
int pv_decimator_method_parse(const char *name, pv_decimate_method *out);

/** The method's name in requests and specs ("mean"); "none" for PV_DECIMATE_NONE. */
const char *pv_decimator_method_name(pv_decimate_method method);

/** A per-channel reducer; not shared between threads. */
typedef struct pv_decimator pv_decimator;

/** Receives a batch of decimated rows, borrowed for the call; non-zero stops the feed. */
typedef int (*pv_decimate_emit_fn)(void *arg, const pivot_batch *batch);

/**
 * Creates a decimator for a channel whose batches carry the nin signals
 * `in`, in that order. in_details is NULL (no signal is nullable) or holds
 * nin details parallel to `in`, complete as pivot_signal_detail_read makes
 * them; the decimator reads a batch's `valid` only for the signals they say
 * are nullable. origin_ns is where interval buckets start (the requested
 * range's start). *out is owned by the caller, freed with
 * pv_decimator_free. Returns 0, PIVOT_EINVAL for a malformed decimation or
 * PIVOT_ENOMEM, with a message in err.
 */
int pv_decimator_new(const pv_decimation *d, int64_t origin_ns, const pivot_signal_info *in,
                     const pivot_signal_detail *in_details, size_t nin, pv_decimator **out,
                     char *err, size_t errlen);

/**
 * The signals of the decimated batches, in output order: each input signal
 * once under its own name, or, for minmax on a numeric signal, as
 * "<name>.min" then "<name>.max". Mean and rms make numeric signals float64.
 * Owned by the decimator; *n receives the count.
 */
const pivot_signal_info *pv_decimator_signals(const pv_decimator *dc, size_t *n);

/**
 * The details of the decimated signals, parallel to pv_decimator_signals:
 * each output carries its input's detail (nullable, symbols, units, doc,
 * source_type), except that a mean or rms has no source_type (its float64
 * is not a type of the source). The strings are those of in_details. Owned
 * by the decimator.
 */
const pivot_signal_detail *pv_decimator_details(const pv_decimator *dc);

/**
 * Adds a batch of samples (time-ordered, after any fed before). Rows of the
 * buckets it completes are passed to emit whenever PV_DECIMATE_BATCH_ROWS
 * are gathered. Numeric methods (mean, min, max, rms, minmax) reduce a
 * bucket's valid samples only; a bucket with none gives a null row (mask 0,
 * NaN in a floating-point output, 0 in an integer one). downsample, and
 * every signal that is not numeric (string, bool, enum, bytes), keep the
 * bucket's first sample as it is, value and validity. Emitted batches carry
 * `valid` (nout entries, NULL for outputs that are not nullable) when some
 * output is nullable, else a NULL `valid`. Returns 0, emit's non-zero
 * return, PIVOT_EINVAL when the batch's columns do not match the signals
 * given at creation, or PIVOT_ENOMEM, with a message in err except for
 * emit's own returns.
 */
int pv_decimator_feed(pv_decimator *dc, const pivot_batch *batch, pv_decimate_emit_fn emit,
                      void *arg, char *err, size_t errlen);

/** Closes the last bucket and emits every row still held; returns as pv_decimator_feed. */
int pv_decimator_flush(pv_decimator *dc, pv_decimate_emit_fn emit, void *arg, char *err,
                       size_t errlen);

/** Frees a decimator; NULL is ignored. */
void pv_decimator_free(pv_decimator *dc);

#endif
