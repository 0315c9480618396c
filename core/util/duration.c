/* Durations of settings and options: the short forms, and ISO 8601 through
 * the SDK's grammar library, which the API's time ranges use too. One
 * grammar, read at the resolution the caller keeps: seconds for most
 * settings, milliseconds for the few that wait on requests. */
#include "duration.h"

#include <pivot/common.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <string.h>

#define NS_PER_MS INT64_C(1000000)

/* Nanoseconds in the unit the short form ends with, and the unit's length
 * (2 for "ms"); 0 when text ends with none. */
static int64_t unit_ns(const char *text, size_t len, size_t *unit_len)
{
    *unit_len = 1;
    if (len >= 2 && text[len - 2] == 'm' && text[len - 1] == 's') {
        *unit_len = 2;
        return NS_PER_MS;
    }
    switch (len > 0 ? text[len - 1] : '\0') {
    case 's':
        return PIVOT_NS_PER_SEC;
    case 'm':
        return PIVOT_NS_PER_MIN;
    case 'h':
        return PIVOT_NS_PER_HOUR;
    case 'd':
        return PIVOT_NS_PER_DAY;
    case 'w':
        return PIVOT_NS_PER_WEEK;
    default:
        *unit_len = 0;
        return 0;
    }
}

/* The name of a resolution, for "not a whole number of ..." */
static const char *resolution_name(int64_t resolution_ns)
{
    return resolution_ns == NS_PER_MS ? "milliseconds" : "seconds";
}

/* An ISO 8601 duration in whole units of resolution_ns. */
static int parse_iso(const char *text, size_t len, int64_t resolution_ns, int64_t *out, char *why,
                     size_t whylen)
{
    char quoted[PIVOT_QUOTE_SIZE];
    int64_t ns;
    int rc = pivot_iso_duration_parse(text, len, &ns, why, whylen);

    if (rc != 0)
        goto out;
    if (ns % resolution_ns != 0) {
        snprintf(why, whylen, "%s is not a whole number of %s; send e.g. %s",
                 pivot_quote(text, len, quoted), resolution_name(resolution_ns),
                 resolution_ns == NS_PER_MS ? "PT0.25S or PT90S" : "PT1S or PT90S");
        rc = PIVOT_EINVAL;
        goto out;
    }
    *out = ns / resolution_ns;
out:
    return rc;
}

/* Every form, in whole units of resolution_ns (a second or a millisecond). */
static int parse_at(const char *text, int64_t resolution_ns, const char *forms, int64_t *out,
                    char *why, size_t whylen)
{
    char quoted[PIVOT_QUOTE_SIZE];
    size_t len = text != NULL ? strlen(text) : 0, unit_len;
    /* A bare number is seconds. */
    int64_t unit = unit_ns(text, len, &unit_len);
    size_t digits = len - unit_len;
    int64_t v;
    int rc = PIVOT_EINVAL;

    pivot_quote(text, len, quoted);
    if (len > 0 && text[0] == 'P') {
        rc = parse_iso(text, len, resolution_ns, out, why, whylen);
        goto out;
    }
    if (len > 0 && text[0] == '-') {
        snprintf(why, whylen, "%s is negative; a duration is a length of time: send %s", quoted,
                 forms);
        goto out;
    }
    if (unit == 0)
        unit = PIVOT_NS_PER_SEC;
    /* Digits only: the integer grammar would also take a sign. */
    if (digits == 0 || strspn(text, "0123456789") != digits) {
        snprintf(why, whylen, "%s is not a duration; send %s", quoted, forms);
        goto out;
    }
    if (unit >= resolution_ns) {
        int64_t factor = unit / resolution_ns;
        if (pivot_int_parse(text, digits, 0, INT64_MAX / factor, &v, why, whylen) != 0) {
            snprintf(why, whylen, "%s is too long: more %s than 64 bits can count", quoted,
                     resolution_name(resolution_ns));
            rc = PIVOT_ERANGE;
            goto out;
        }
        *out = v * factor;
    } else {
        /* Milliseconds where whole seconds are kept. */
        int64_t per = resolution_ns / unit;
        if (pivot_int_parse(text, digits, 0, INT64_MAX, &v, why, whylen) != 0 || v % per != 0) {
            snprintf(why, whylen, "%s is not a whole number of %s; send e.g. 2000ms or 2s", quoted,
                     resolution_name(resolution_ns));
            goto out;
        }
        *out = v / per;
    }
    rc = 0;
out:
    return rc;
}

int pv_duration_parse(const char *text, int64_t *seconds, char *why, size_t whylen)
{
    return parse_at(text, PIVOT_NS_PER_SEC, PV_DURATION_FORMS, seconds, why, whylen);
}

int pv_duration_parse_ms(const char *text, int64_t *ms, char *why, size_t whylen)
{
    return parse_at(text, NS_PER_MS, PV_DURATION_MS_FORMS, ms, why, whylen);
}
