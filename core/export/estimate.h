/*
 * The size of an export before it runs, for dry runs: the exporter's own
 * estimate when it has one (pivot_exporter.estimate), else a generic one
 * that knows no format (docs/api.md, "Dry run").
 */
#ifndef PV_ESTIMATE_H
#define PV_ESTIMATE_H

#include "decimate.h"
#include "export_signals.h"

#include <pivot/plugin.h>

/** One channel as an exporter's estimate is told it, and the memory behind it. */
typedef struct pv_estimate_channel {
    pivot_estimate_channel est;   /**< what the exporter reads; est.channel points into ec */
    pv_export_channel ec;         /**< the channel with the exported signals */
    pivot_signal_info *sigs;      /**< the requested signals, owned */
    pivot_signal_detail *details; /**< their details, owned */
    pv_decimator *decimator;      /**< when decimated: owns the decimated signals */
} pv_estimate_channel;

/**
 * Fills c for channel `name` of `rows` rows, whose requested signals are the
 * n names of `signals`, as the source describes them in info (NULL: not
 * described; a signal it does not describe counts as float64), decimated as
 * d with buckets from origin_ns. Everything borrowed from the arguments must
 * outlive c. Returns 0, or PIVOT_ENOMEM / PIVOT_EINVAL with a message in err;
 * c is to be freed with pv_estimate_channel_free in either case.
 */
int pv_estimate_channel_init(pv_estimate_channel *c, const char *name,
                             const pivot_channel_info *info, const char *const *signals, size_t n,
                             const pv_decimation *d, int64_t origin_ns, uint64_t rows, char *err,
                             size_t errlen);

/** Frees what pv_estimate_channel_init allocated; a zeroed c is accepted. */
void pv_estimate_channel_free(pv_estimate_channel *c);

/** How an estimate was made. */
typedef enum pv_estimate_basis {
    PV_ESTIMATE_EXPORTER, /**< by the exporter's estimate callback */
    PV_ESTIMATE_GENERIC   /**< by pv_estimate_generic */
} pv_estimate_basis;

/**
 * The bytes of the file exporter e would write for the channels: its
 * estimate callback's answer, or, when it has none or it fails (logged),
 * the generic estimate. Returns how it was made.
 */
pv_estimate_basis pv_estimate_bytes(const pivot_exporter *e, const pivot_export_info *info,
                                    const pivot_estimate_channel *const *channels, size_t n,
                                    uint64_t *bytes);

/**
 * The generic estimate: the values alone, with no format's overhead, per
 * row 8 bytes of time and for each signal its element size (8 for int64 and
 * float64, 4 for int32, float32 and enum, 1 for bool, fixed_size for a
 * fixed-size bytes, 16 for a string or a variable-length bytes).
 */
uint64_t pv_estimate_generic(const pivot_estimate_channel *const *channels, size_t n);

#endif
