/*
 * HDF5 reports errors by pushing records on an error stack and, by default,
 * printing that stack to stderr. A plugin never prints, so automatic printing
 * is turned off and the stack's innermost record explains the failure: in
 * full to the server's log, in a short form in the message that may reach
 * a client (the record names the file's server path and buffer addresses).
 */
#include "h5_error.h"

#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HX_DETAIL_SIZE 1024

static const pivot_host *hx_host;

void hx_error_set_host(const pivot_host *host)
{
    hx_host = host;
}

void hx_error_silence(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

/* The innermost record of the stack, as HDF5 wrote it and in short. */
typedef struct innermost {
    char detail[HX_DETAIL_SIZE + 160]; /* description (minor message) */
    char minor[128];                   /* HDF5's minor message: "Write failed", ... */
    char desc[HX_DETAIL_SIZE];
} innermost;

/* Walked from the API call inwards: the last record is the most specific one. */
static herr_t keep_innermost(unsigned n, const H5E_error2_t *e, void *arg)
{
    innermost *in = arg;

    (void)n;
    if (H5Eget_msg(e->min_num, NULL, in->minor, sizeof(in->minor)) < 0)
        in->minor[0] = '\0';
    snprintf(in->desc, sizeof(in->desc), "%s", e->desc ? e->desc : "");
    snprintf(in->detail, sizeof(in->detail), "%s%s%s%s", in->desc, in->minor[0] ? " (" : "",
             in->minor, in->minor[0] ? ")" : "");
    /* The log takes one line per event. */
    for (char *c = in->detail; (c = strchr(c, '\n')) != NULL;)
        *c = ' ';
    return 0;
}

/* What a client may read of the record: the system error a failed read or
 * write states as "errno = N" (a full disk is "No space left on device"),
 * else the description when it holds no path, address or second line, else
 * HDF5's minor message. */
static void summarize(const innermost *in, char *out, size_t len)
{
    const char *at = strstr(in->desc, "errno = ");
    long code = at != NULL ? strtol(at + 8, NULL, 10) : 0;

    if (code > 0)
        snprintf(out, len, "%s", strerror((int)code));
    else if (in->desc[0] != '\0' && strpbrk(in->desc, "/\n") == NULL &&
             strstr(in->desc, "0x") == NULL)
        snprintf(out, len, "%s", in->detail);
    else
        snprintf(out, len, "%s", in->minor);
}

int hx_fail(int rc, char *err, size_t errlen, const char *op, const char *fmt, ...)
{
    char what[256], reason[sizeof(((innermost *)0)->detail)];
    innermost in = {"", "", ""};
    va_list ap;

    H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_innermost, &in);
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (in.detail[0] != '\0' && hx_host != NULL && hx_host->log != NULL)
        hx_host->log(PIVOT_LOG_ERROR, "hdf5", "%s: %s failed: %s", what, op, in.detail);
    if (err == NULL || errlen == 0)
        goto out;
    summarize(&in, reason, sizeof(reason));
    snprintf(err, errlen, "%s: %s failed%s%s", what, op, reason[0] ? ": " : "", reason);
out:
    return rc;
}
