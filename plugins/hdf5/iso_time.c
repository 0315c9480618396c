/* RFC 3339 UTC text for nanosecond timestamps, as the job store shows them, and
 * ISO 8601 text for durations, as requests give them. */
#include "iso_time.h"

#include <pivot/common.h>
#include <stdio.h>
#include <time.h>

/* ".25" for 250000000 ns: nine digits less the trailing zeros, "" for none. */
static void fraction_text(int64_t frac, char *buf, size_t buflen)
{
    int digits = 9;

    buf[0] = '\0';
    if (frac != 0) {
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        snprintf(buf, buflen, ".%0*lld", digits, (long long)frac);
    }
}

int hx_iso_time(int64_t ns, char *buf, size_t buflen)
{
    /* Floor division, so that instants before 1970 keep a positive fraction. */
    int64_t secs = ns / 1000000000;
    int64_t frac = ns % 1000000000;
    char fraction[16] = "";
    struct tm tm;
    time_t t;
    int rc = 0;

    if (frac < 0) {
        frac += 1000000000;
        secs -= 1;
    }
    t = (time_t)secs;
    if (gmtime_r(&t, &tm) == NULL) {
        rc = PIVOT_ERANGE;
        goto out;
    }
    fraction_text(frac, fraction, sizeof(fraction));
    if (snprintf(buf, buflen, "%04d-%02d-%02dT%02d:%02d:%02d%sZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, fraction) >= (int)buflen)
        rc = PIVOT_ERANGE;
out:
    return rc;
}

int hx_iso_duration(int64_t ns, char *buf, size_t buflen)
{
    char fraction[16];
    int rc = 0;

    if (ns <= 0) {
        rc = PIVOT_ERANGE;
        goto out;
    }
    fraction_text(ns % 1000000000, fraction, sizeof(fraction));
    if (snprintf(buf, buflen, "PT%lld%sS", (long long)(ns / 1000000000), fraction) >= (int)buflen)
        rc = PIVOT_ERANGE;
out:
    return rc;
}
