/* Turning the HDF5 error stack into the exporter's error messages. */
#ifndef PIVOT_HDF5_H5_ERROR_H
#define PIVOT_HDF5_H5_ERROR_H

#include <stddef.h>

/** Stops HDF5 from printing its error stack to stderr; errors are fetched instead. */
void hx_error_silence(void);

/**
 * Fills err with "<what>: <op> failed: <HDF5 detail>", where `what` is built
 * from fmt, and returns rc. Call it right after the failing HDF5 call: the
 * next HDF5 API call clears the error stack.
 */
int hx_fail(int rc, char *err, size_t errlen, const char *op, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
