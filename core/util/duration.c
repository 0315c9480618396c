/* Durations of settings and options: the short forms, and ISO 8601 through
 * the SDK's grammar library, which the API's time ranges use too. */
#include "duration.h"

#include <pivot/common.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <string.h>

/* Seconds in a unit of the short form; 0 when ch is not one. */
static int64_t unit_seconds(char ch)
{
    switch (ch) {
    case 's':
        return 1;
    case 'm':
        return 60;
    case 'h':
        return 3600;
    case 'd':
        return 86400;
    case 'w':
        return 7 * 86400;
    default:
        return 0;
    }
}

/* An ISO 8601 duration in whole seconds. */
static int parse_iso(const char *text, size_t len, int64_t *seconds, char *why, size_t whylen)
{
    char quoted[PIVOT_QUOTE_SIZE];
    int64_t ns;
    int rc = pivot_iso_duration_parse(text, len, &ns, why, whylen);

    if (rc != 0)
        goto out;
    if (ns % PIVOT_NS_PER_SEC != 0) {
        snprintf(why, whylen, "%s is not a whole number of seconds; send e.g. PT1S or PT90S",
                 pivot_quote(text, len, quoted));
        rc = PIVOT_EINVAL;
        goto out;
    }
    *seconds = ns / PIVOT_NS_PER_SEC;
out:
    return rc;
}

int pv_duration_parse(const char *text, int64_t *seconds, char *why, size_t whylen)
{
    char quoted[PIVOT_QUOTE_SIZE];
    size_t len = text != NULL ? strlen(text) : 0;
    int64_t unit = len > 0 ? unit_seconds(text[len - 1]) : 0;
    size_t digits = unit != 0 ? len - 1 : len;
    int64_t v;
    int rc = PIVOT_EINVAL;

    pivot_quote(text, len, quoted);
    if (len > 0 && text[0] == 'P') {
        rc = parse_iso(text, len, seconds, why, whylen);
        goto out;
    }
    if (len > 0 && text[0] == '-') {
        snprintf(why, whylen,
                 "%s is negative; a duration is a length of time: send " PV_DURATION_FORMS, quoted);
        goto out;
    }
    if (unit == 0)
        unit = 1;
    /* Digits only: the integer grammar would also take a sign. */
    if (digits == 0 || strspn(text, "0123456789") != digits) {
        snprintf(why, whylen, "%s is not a duration; send " PV_DURATION_FORMS, quoted);
        goto out;
    }
    if (pivot_int_parse(text, digits, 0, INT64_MAX / unit, &v, why, whylen) != 0) {
        snprintf(why, whylen, "%s is too long: more seconds than 64 bits can count", quoted);
        rc = PIVOT_ERANGE;
        goto out;
    }
    *seconds = v * unit;
    rc = 0;
out:
    return rc;
}
