/*
 * The signals of a channel as an exporter is told them. A source describes
 * every signal of a channel, with details when it has them; the exporter is
 * told exactly the signals it will receive, in order, each with a detail.
 */
#ifndef PV_EXPORT_SIGNALS_H
#define PV_EXPORT_SIGNALS_H

#include <pivot/plugin.h>

/**
 * The detail the source gives for signal `name` of a channel, or NULL when
 * it gives none. Borrowed from info.
 */
const pivot_signal_detail *pv_export_signal_detail_find(const pivot_channel_info *info,
                                                        const char *name);

/**
 * The channel description handed to begin_channel: the source's name,
 * schema and unsupported fields, but as signals exactly those exported,
 * each with its detail (details[i] describes signals[i], never NULL).
 */
typedef struct pv_export_channel {
    pivot_channel_info info;             /**< what begin_channel receives */
    const pivot_signal_detail **details; /**< info.nsignals pointers */
} pv_export_channel;

/**
 * Fills ec for channel `name` from the source's description src and the n
 * exported signals with their details (n entries, e.g. from
 * pivot_signal_detail_read). Everything stays borrowed from the arguments,
 * which must outlive ec. Returns 0 or PIVOT_ENOMEM.
 */
int pv_export_channel_init(pv_export_channel *ec, const char *name, const pivot_channel_info *src,
                           const pivot_signal_info *signals, const pivot_signal_detail *details,
                           size_t n);

/** Frees what pv_export_channel_init allocated; a zeroed ec is accepted. */
void pv_export_channel_free(pv_export_channel *ec);

#endif
