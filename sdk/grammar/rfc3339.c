/* RFC 3339 times: parsing into, and formatting from, int64 nanoseconds since
 * the epoch, with exact integer calendar arithmetic. */
#include <pivot/grammar.h>

#include "grammar_internal.h"

#include <pivot/common.h>
#include <stdio.h>

#define EXAMPLE "2025-01-23T14:30:00Z"

/* Cursor over the text being parsed. */
typedef struct cursor {
    const char *p;
    const char *end;
} cursor;

static int peek(const cursor *c)
{
    return c->p < c->end ? (unsigned char)*c->p : -1;
}

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

/* Reads exactly n digits; -1 when fewer are there. */
static int read_digits(cursor *c, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        int ch = peek(c);
        if (!is_digit(ch))
            return -1;
        v = v * 10 + (ch - '0');
        c->p++;
    }
    return v;
}

static int accept(cursor *c, char want)
{
    if (peek(c) != want)
        return 0;
    c->p++;
    return 1;
}

static int is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

/* Howard Hinnant's days_from_civil: exact integer arithmetic, so no
 * dependence on timegm(), the TZ variable or the C library's range. */
int64_t pivot_days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The fields of a timestamp as written, before conversion. */
typedef struct fields {
    int year, month, day, hour, minute, second;
    int64_t frac_ns;
    int offset_min; /* minutes east of UTC */
} fields;

/* Fills f from the text, or writes into detail what is wrong. */
static int scan(cursor *c, fields *f, char *detail, size_t len)
{
    if ((f->year = read_digits(c, 4)) < 0) {
        snprintf(detail, len, "expected a 4-digit year first");
        return PIVOT_EINVAL;
    }
    if (!accept(c, '-') || (f->month = read_digits(c, 2)) < 0) {
        snprintf(detail, len, "expected -MM after the year");
        return PIVOT_EINVAL;
    }
    if (f->month < 1 || f->month > 12) {
        snprintf(detail, len, "month %d", f->month);
        return PIVOT_EINVAL;
    }
    if (!accept(c, '-') || (f->day = read_digits(c, 2)) < 0) {
        snprintf(detail, len, "expected -DD after the month");
        return PIVOT_EINVAL;
    }
    if (f->day < 1 || f->day > days_in_month(f->year, f->month)) {
        snprintf(detail, len, "day %d, but %04d-%02d has %d days", f->day, f->year, f->month,
                 days_in_month(f->year, f->month));
        return PIVOT_EINVAL;
    }
    if (!accept(c, 'T') && !accept(c, 't') && !accept(c, ' ')) {
        snprintf(detail, len, "expected T between the date and the time");
        return PIVOT_EINVAL;
    }
    if ((f->hour = read_digits(c, 2)) < 0 || !accept(c, ':') ||
        (f->minute = read_digits(c, 2)) < 0 || !accept(c, ':') ||
        (f->second = read_digits(c, 2)) < 0) {
        snprintf(detail, len, "expected the time as hh:mm:ss");
        return PIVOT_EINVAL;
    }
    if (f->hour > 23) {
        snprintf(detail, len, "hour %d", f->hour);
        return PIVOT_EINVAL;
    }
    if (f->minute > 59) {
        snprintf(detail, len, "minute %d", f->minute);
        return PIVOT_EINVAL;
    }
    if (f->second == 60) {
        snprintf(detail, len, "second 60: leap seconds cannot be represented in Unix time");
        return PIVOT_EINVAL;
    }
    if (f->second > 59) {
        snprintf(detail, len, "second %d", f->second);
        return PIVOT_EINVAL;
    }
    f->frac_ns = 0;
    if (accept(c, '.')) {
        int ndigits = 0;
        int64_t scale = PIVOT_NS_PER_SEC;
        while (is_digit(peek(c))) {
            if (++ndigits > 9) {
                snprintf(detail, len,
                         "more than 9 fractional digits; nanoseconds are the finest resolution");
                return PIVOT_EINVAL;
            }
            scale /= 10;
            f->frac_ns += (peek(c) - '0') * scale;
            c->p++;
        }
        if (ndigits == 0) {
            snprintf(detail, len, "expected digits after the decimal point");
            return PIVOT_EINVAL;
        }
    }
    f->offset_min = 0;
    if (accept(c, 'Z') || accept(c, 'z')) {
        /* UTC */
    } else if (peek(c) == '+' || peek(c) == '-') {
        int sign = peek(c) == '-' ? -1 : 1;
        c->p++;
        int oh = read_digits(c, 2), om = -1;
        if (oh >= 0 && accept(c, ':'))
            om = read_digits(c, 2);
        if (oh < 0 || om < 0) {
            snprintf(detail, len, "expected the offset as +hh:mm or -hh:mm");
            return PIVOT_EINVAL;
        }
        if (oh > 23 || om > 59) {
            snprintf(detail, len, "offset %c%02d:%02d out of range", sign < 0 ? '-' : '+', oh, om);
            return PIVOT_EINVAL;
        }
        f->offset_min = sign * (oh * 60 + om);
    } else {
        snprintf(detail, len, "missing time zone: end with Z for UTC or an offset such as +02:00");
        return PIVOT_EINVAL;
    }
    if (c->p != c->end) {
        snprintf(detail, len, "unexpected text after the time zone");
        return PIVOT_EINVAL;
    }
    return 0;
}

int pivot_rfc3339_parse(const char *text, size_t len, int64_t *ns, char *why, size_t whylen)
{
    cursor c = {text, text + len};
    fields f;
    char detail[160];
    char quoted[PIVOT_QUOTE_SIZE];
    int rc;

    pivot_quote(text, len, quoted);
    rc = scan(&c, &f, detail, sizeof(detail));
    if (rc != 0) {
        snprintf(why, whylen, "%s is not a valid RFC 3339 timestamp (%s); send e.g. " EXAMPLE,
                 quoted, detail);
        goto out;
    }

    /* Four-digit years keep this far inside int64; the nanosecond
     * conversion below is where the range ends. */
    int64_t secs = pivot_days_from_civil(f.year, f.month, f.day) * 86400 + f.hour * 3600 +
                   f.minute * 60 + f.second - (int64_t)f.offset_min * 60;
    if (secs < 0) {
        snprintf(
            why, whylen,
            "%s is before " PIVOT_FIRST_TIME_TEXT ": times before the Unix epoch are not valid "
            "telemetry times; send a time from " PIVOT_FIRST_TIME_TEXT " to " PIVOT_LAST_TIME_TEXT,
            quoted);
        rc = PIVOT_ERANGE;
        goto out;
    }
    if (secs > INT64_MAX / PIVOT_NS_PER_SEC || secs * PIVOT_NS_PER_SEC > INT64_MAX - f.frac_ns) {
        snprintf(why, whylen,
                 "%s is after " PIVOT_LAST_TIME_TEXT ", the last time 64-bit nanoseconds can hold; "
                 "send a time from " PIVOT_FIRST_TIME_TEXT " to " PIVOT_LAST_TIME_TEXT,
                 quoted);
        rc = PIVOT_ERANGE;
        goto out;
    }
    *ns = secs * PIVOT_NS_PER_SEC + f.frac_ns;
out:
    return rc;
}

void pivot_fraction_text(int64_t frac_ns, char out[16])
{
    int digits = 9;

    out[0] = '\0';
    if (frac_ns == 0)
        return;
    while (frac_ns % 10 == 0) {
        frac_ns /= 10;
        digits--;
    }
    snprintf(out, 16, ".%0*lld", digits, (long long)frac_ns);
}

/* Civil date from days since 1970-01-01 (Hinnant's civil_from_days), the
 * inverse of pivot_days_from_civil: no gmtime(), so no time_t range limit. */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int pivot_rfc3339_format(int64_t ns, char *out, size_t outlen)
{
    /* Floor division, so that times before 1970 keep a positive fraction. */
    int64_t secs = ns / PIVOT_NS_PER_SEC, frac = ns % PIVOT_NS_PER_SEC;
    char fraction[16] = "";
    int64_t y;
    unsigned m, d;
    int rc = 0;

    if (frac < 0) {
        frac += PIVOT_NS_PER_SEC;
        secs -= 1;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    civil_from_days(days, &y, &m, &d);
    pivot_fraction_text(frac, fraction);
    int n = snprintf(out, outlen, "%04lld-%02u-%02uT%02d:%02d:%02d%sZ", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60), fraction);
    if (n < 0 || (size_t)n >= outlen) {
        if (outlen > 0)
            out[0] = '\0';
        rc = PIVOT_ERANGE;
    }
    return rc;
}
