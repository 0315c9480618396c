/*
 * RFC 3339 parsing for --start. See gen_avro_time.h.
 */
#include "gen_avro_time.h"

#include <ctype.h>
#include <stddef.h>

/* Reads exactly n decimal digits. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (!isdigit((unsigned char)(*p)[k]))
            return -1;
        v = v * 10 + ((*p)[k] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int parse_offset(const char **p, int *offset_s)
{
    int sign = **p == '-' ? -1 : 1;
    int hh, mm;
    (*p)++;
    if (digits(p, 2, &hh) < 0)
        return -1;
    if (**p == ':')
        (*p)++;
    if (digits(p, 2, &mm) < 0 || hh > 23 || mm > 59)
        return -1;
    *offset_s = sign * (hh * 3600 + mm * 60);
    return 0;
}

int gen_parse_rfc3339_ns(const char *text, int64_t *out_ns)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = text;
    int year, mon, day, hh = 0, mi = 0, ss = 0, offset_s = 0;
    int64_t micros = 0;

    if (digits(&p, 4, &year) < 0 || *p++ != '-' || digits(&p, 2, &mon) < 0 || *p++ != '-' ||
        digits(&p, 2, &day) < 0)
        return -1;
    if (year < 1 || mon < 1 || mon > 12 || day < 1 ||
        day > mdays[mon - 1] + (mon == 2 && is_leap(year)))
        return -1;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (digits(&p, 2, &hh) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
            return -1;
        if (*p == ':') {
            p++;
            if (digits(&p, 2, &ss) < 0)
                return -1;
            if (*p == '.' || *p == ',') {
                p++;
                if (!isdigit((unsigned char)*p))
                    return -1;
                /* Keep six digits, scaling short fractions: ".5" is 500000 us. */
                int kept = 0;
                for (; isdigit((unsigned char)*p); p++)
                    if (kept < 6) {
                        micros = micros * 10 + (*p - '0');
                        kept++;
                    }
                for (; kept < 6; kept++)
                    micros *= 10;
            }
        }
        if (hh > 23 || mi > 59 || ss > 59)
            return -1;
        if (*p == 'Z' || *p == 'z')
            p++;
        else if ((*p == '+' || *p == '-') && parse_offset(&p, &offset_s) < 0)
            return -1;
    }
    if (*p != '\0')
        return -1;
    int64_t secs = days_from_civil(year, mon, day) * 86400 + hh * 3600 + mi * 60 + ss - offset_s;
    int64_t ns;
    /* Nanoseconds in an int64 span 1677-09-21 .. 2262-04-11. */
    if (__builtin_mul_overflow(secs, (int64_t)1000000000, &ns) ||
        __builtin_add_overflow(ns, micros * 1000, &ns))
        return -1;
    *out_ns = ns;
    return 0;
}
