/* Messages for failed libnetcdf calls: what was being done and why it failed. */
#ifndef PIVOT_NETCDF_NC_ERROR_H
#define PIVOT_NETCDF_NC_ERROR_H

#include <stddef.h>

/**
 * Writes "<what>: <op> failed: <nc_strerror(status)>" to err, `what`
 * formatted from fmt, and returns rc (PIVOT_EIO, PIVOT_EINVAL...).
 */
int nx_fail(int rc, char *err, size_t errlen, int status, const char *op, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

#endif
