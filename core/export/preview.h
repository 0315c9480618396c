/*
 * The quick-look preview of an export: for each numeric signal written, the
 * minimum and maximum of the exported values in each of a fixed number of
 * equal time buckets over the requested range, so that a plot of a few
 * thousand points shows every spike of an export of any size. Computed by
 * the worker from the rows it hands the exporter, written beside the result
 * as JSON lines (docs/api.md#quick-look-preview).
 */
#ifndef PV_PREVIEW_H
#define PV_PREVIEW_H

#include <pivot/source.h>

#include <stddef.h>

/** Buckets per signal in the stored preview. */
#define PV_PREVIEW_POINTS 4000
/** Signals kept, the first in the export's order: bounds the file and the work. */
#define PV_PREVIEW_MAX_SERIES 256

typedef struct pv_preview pv_preview;

/**
 * Opens the preview file at path (created or truncated) for an export of
 * range; NULL with a message in err on failure. The file never grows past
 * max_bytes (0: no bound): a preview that would is dropped (close fails).
 * The caller frees it with pv_preview_free.
 */
pv_preview *pv_preview_open(const char *path, pivot_range range, size_t points, size_t max_bytes,
                            char *err, size_t errlen);
/** Starts a channel: its numeric signals among sigs get buckets. Returns 0 or PIVOT_ENOMEM. */
int pv_preview_begin_channel(pv_preview *pv, const char *channel, const pivot_signal_info *sigs,
                             size_t nsigs);
/** Adds rows of the current channel (columns as begun); null samples are passed over. */
void pv_preview_add(pv_preview *pv, const pivot_batch *batch);
/** Writes the current channel's series. Returns 0 or PIVOT_EIO. */
int pv_preview_end_channel(pv_preview *pv);
/**
 * Flushes and closes the file. Returns 0, PIVOT_ERANGE when it was dropped
 * for max_bytes, or PIVOT_EIO; pv is freed either way.
 */
int pv_preview_close(pv_preview *pv);
/** Closes without caring whether the file is complete (an abandoned export). NULL is allowed. */
void pv_preview_free(pv_preview *pv);

#endif
