/*
 * HDF5 reports errors by pushing records on an error stack and, by default,
 * printing that stack to stderr. A plugin never prints, so automatic printing
 * is turned off and the stack's innermost record becomes the message.
 */
#include "h5_error.h"

#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>

#define HX_DETAIL_SIZE 256

void hx_error_silence(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* Walked from the API call inwards: the last record is the most specific one. */
static herr_t keep_innermost(unsigned n, const H5E_error2_t *e, void *arg)
{
    char *detail = arg;
    char minor[128] = "";

    if (H5Eget_msg(e->min_num, NULL, minor, sizeof(minor)) < 0)
        minor[0] = '\0';
    snprintf(detail, HX_DETAIL_SIZE, "%s%s%s%s", e->desc ? e->desc : "", minor[0] ? " (" : "",
             minor, minor[0] ? ")" : "");
    return 0;
}

int hx_fail(int rc, char *err, size_t errlen, const char *op, const char *fmt, ...)
{
    char what[256];
    char detail[HX_DETAIL_SIZE] = "";
    va_list ap;

    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_innermost, detail);
    if (err == NULL || errlen == 0)
        goto out;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(err, errlen, "%s: %s failed%s%s", what, op, detail[0] ? ": " : "", detail);
out:
    return rc;
}
