/* Turning the HDF5 error stack into the exporter's error messages. */
#ifndef PIVOT_HDF5_H5_ERROR_H
#define PIVOT_HDF5_H5_ERROR_H

#include <pivot/host.h>
#include <stddef.h>

/** The host whose log receives HDF5's full error records. */
void hx_error_set_host(const pivot_host *host);

/** Stops HDF5 from printing its error stack to stderr; errors are fetched instead. */
void hx_error_silence(void);

/**
 * Fills err with "<what>: <op> failed: <reason>", where `what` is built
 * from fmt, and returns rc. The reason is what a client may read: the
 * system error behind the failure (as HDF5's innermost record states it) or
 * HDF5's short description, never the record itself, which names the
 * file's server path and memory addresses; that goes to the server's log.
 * Call it right after the failing HDF5 call: the next HDF5 API call clears
 * the error stack.
 */
int hx_fail(int rc, char *err, size_t errlen, const char *op, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
