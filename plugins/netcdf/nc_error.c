/*
 * libnetcdf reports a failure as a status code only, and never prints:
 * nc_strerror's sentence names no path, so it may reach the client as is.
 */
#include "nc_error.h"

#include <netcdf.h>
#include <stdarg.h>
#include <stdio.h>

int nx_fail(int rc, char *err, size_t errlen, int status, const char *op, const char *fmt, ...)
{
    char what[320];
    va_list ap;

    if (err == NULL || errlen == 0)
        goto out;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s: %s failed: %s", what, op, nc_strerror(status));
out:
    return rc;
}
