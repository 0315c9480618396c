/* ISO 8601 durations: parsing into, and formatting from, int64 nanoseconds. */
#include <pivot/grammar.h>

#include "grammar_internal.h"

#include <pivot/common.h>
#include <stdio.h>

#define EXAMPLES "PT30M, PT1H, P1DT12H or P1W"

/* Components in the order they may appear; a component's rank must be
 * greater than the previous one's. */
enum rank { R_NONE, R_WEEK, R_DAY, R_HOUR, R_MINUTE, R_SECOND };

typedef struct unit {
    enum rank rank;
    int64_t ns;
} unit;

/* Resolves designator ch in the date part (before T) or the time part. */
static int designator(int ch, int in_time, unit *u)
{
    if (!in_time && ch == 'W')
        *u = (unit){R_WEEK, PIVOT_NS_PER_WEEK};
    else if (!in_time && ch == 'D')
        *u = (unit){R_DAY, PIVOT_NS_PER_DAY};
    else if (in_time && ch == 'H')
        *u = (unit){R_HOUR, PIVOT_NS_PER_HOUR};
    else if (in_time && ch == 'M')
        *u = (unit){R_MINUTE, PIVOT_NS_PER_MIN};
    else if (in_time && ch == 'S')
        *u = (unit){R_SECOND, PIVOT_NS_PER_SEC};
    else
        return 0;
    return 1;
}

static int is_digit(int ch)
{
    return ch >= '0' && ch <= '9';
}

/* Progress through the text after 'P'. */
typedef struct parse_state {
    const char *p, *end;
    unsigned __int128 total; /* wide enough that no sum of parts can wrap */
    enum rank last;
    int in_time;
} parse_state;

static int peek(const parse_state *s)
{
    return s->p < s->end ? (unsigned char)*s->p : -1;
}

/* Reads one number-and-designator component and adds it to the total.
 * Returns 0, or PIVOT_EINVAL with the problem in detail; *alone is set when
 * detail is a complete message rather than a phrase for the caller to wrap. */
static int component(parse_state *s, char *detail, size_t len, int *alone)
{
    /* Integer part: a value above INT64_MAX times the smallest unit cannot
     * fit anyway, so stop accumulating there and report the overflow. */
    const unsigned __int128 limit = (unsigned __int128)INT64_MAX;
    unsigned __int128 whole = 0, frac = 0, frac_scale = 1;
    char quoted[PIVOT_QUOTE_SIZE];
    int ndigits = 0, nfrac = 0, has_frac = 0;

    if (peek(s) == '-') {
        snprintf(detail, len,
                 "negative durations are not allowed; send a positive duration such as PT1H "
                 "(type \"end_duration\" counts back from an end time)");
        *alone = 1;
        return PIVOT_EINVAL;
    }
    while (is_digit(peek(s))) {
        if (whole <= limit)
            whole = whole * 10 + (unsigned)(peek(s) - '0');
        ndigits++;
        s->p++;
    }
    if (ndigits == 0) {
        snprintf(detail, len, "expected a number at %s",
                 pivot_quote(s->p, (size_t)(s->end - s->p), quoted));
        return PIVOT_EINVAL;
    }
    if (peek(s) == '.' || peek(s) == ',') {
        has_frac = 1;
        s->p++;
        while (is_digit(peek(s))) {
            /* 18 digits keep frac * unit inside 128 bits; a digit past that
             * is below a nanosecond for any unit unless it is zero. */
            if (nfrac < 18) {
                frac = frac * 10 + (unsigned)(peek(s) - '0');
                frac_scale *= 10;
                nfrac++;
            } else if (peek(s) != '0') {
                snprintf(detail, len, "a fraction finer than a nanosecond");
                return PIVOT_EINVAL;
            }
            s->p++;
        }
        if (nfrac == 0) {
            snprintf(detail, len, "expected digits after the decimal sign");
            return PIVOT_EINVAL;
        }
    }
    int ch = peek(s);
    if (ch < 0) {
        snprintf(detail, len, "the number at the end has no designator such as D, H, M or S");
        return PIVOT_EINVAL;
    }
    s->p++;
    if (ch == 'Y' || (ch == 'M' && !s->in_time)) {
        snprintf(detail, len,
                 "years and months have no fixed length; use weeks or days, e.g. P30D");
        *alone = 1;
        return PIVOT_EINVAL;
    }
    unit u;
    if (!designator(ch, s->in_time, &u)) {
        if (!s->in_time && (ch == 'H' || ch == 'S'))
            snprintf(detail, len, "hours, minutes and seconds go after T, e.g. PT1H");
        else if (ch == 'T')
            snprintf(detail, len, "the number before T has no designator such as D");
        else if (s->in_time && (ch == 'D' || ch == 'W'))
            snprintf(detail, len, "days and weeks go before T, e.g. P1DT2H");
        else
            snprintf(detail, len, "unknown designator at %s",
                     pivot_quote(s->p - 1, (size_t)(s->end - s->p + 1), quoted));
        return PIVOT_EINVAL;
    }
    if (s->last == R_WEEK || (u.rank == R_WEEK && (s->last != R_NONE || s->p != s->end))) {
        snprintf(detail, len, "weeks cannot be combined with other components; use days, e.g. P9D");
        return PIVOT_EINVAL;
    }
    if (u.rank <= s->last) {
        snprintf(detail, len, "components repeated or out of order; write them as PnDTnHnMnS");
        return PIVOT_EINVAL;
    }
    if (has_frac && s->p != s->end) {
        snprintf(detail, len, "only the last component may have a fraction");
        return PIVOT_EINVAL;
    }
    unsigned __int128 frac_ns = frac * (unsigned __int128)u.ns;
    if (frac_ns % frac_scale != 0) {
        snprintf(detail, len, "a fraction finer than a nanosecond");
        return PIVOT_EINVAL;
    }
    /* whole <= INT64_MAX * 10 + 9 and u.ns < 2^50, so the product fits. */
    s->total += whole * (unsigned __int128)u.ns + frac_ns / frac_scale;
    s->last = u.rank;
    return 0;
}

int pivot_iso_duration_parse(const char *text, size_t len, int64_t *ns, char *why, size_t whylen)
{
    parse_state s = {text, text + len, 0, R_NONE, 0};
    char detail[320];
    char quoted[PIVOT_QUOTE_SIZE];
    int alone = 0;
    int rc = PIVOT_EINVAL;

    pivot_quote(text, len, quoted);
    if (peek(&s) == '-' || peek(&s) == '+') {
        if (peek(&s) == '-') {
            snprintf(why, whylen,
                     "negative durations are not allowed; send a positive duration such as PT1H "
                     "(type \"end_duration\" counts back from an end time)");
            goto out;
        }
        snprintf(detail, sizeof(detail), "no sign is needed: durations are always positive");
        goto malformed;
    }
    if (peek(&s) != 'P') {
        snprintf(detail, sizeof(detail), "must start with P");
        goto malformed;
    }
    s.p++;
    if (s.p == s.end) {
        snprintf(detail, sizeof(detail), "no components after P");
        goto malformed;
    }
    while (s.p < s.end) {
        if (peek(&s) == 'T') {
            if (s.in_time) {
                snprintf(detail, sizeof(detail), "T appears twice");
                goto malformed;
            }
            s.in_time = 1;
            s.p++;
            if (s.p == s.end) {
                snprintf(detail, sizeof(detail),
                         "T must be followed by hours, minutes or seconds, e.g. PT30M");
                goto malformed;
            }
            continue;
        }
        if (component(&s, detail, sizeof(detail), &alone) != 0) {
            if (alone) {
                snprintf(why, whylen, "%s", detail);
                goto out;
            }
            goto malformed;
        }
    }
    if (s.total > (unsigned __int128)INT64_MAX) {
        snprintf(why, whylen,
                 "%s is too long: durations are limited to about 292 years (2^63 nanoseconds)",
                 quoted);
        goto out;
    }
    if (s.total == 0) {
        snprintf(why, whylen,
                 "%s is zero, which makes an empty range; send a positive duration such as "
                 "PT30M",
                 quoted);
        goto out;
    }
    *ns = (int64_t)s.total;
    rc = 0;
    goto out;

malformed:
    snprintf(why, whylen, "%s is not a valid ISO 8601 duration (%s); send e.g. " EXAMPLES, quoted,
             detail);
out:
    return rc;
}

int pivot_iso_duration_format(int64_t ns, char *out, size_t outlen)
{
    char fraction[16];
    int rc = 0;

    if (ns <= 0) {
        rc = PIVOT_ERANGE;
        goto out;
    }
    pivot_fraction_text(ns % PIVOT_NS_PER_SEC, fraction);
    int n = snprintf(out, outlen, "PT%lld%sS", (long long)(ns / PIVOT_NS_PER_SEC), fraction);
    if (n < 0 || (size_t)n >= outlen)
        rc = PIVOT_ERANGE;
out:
    if (rc != 0 && outlen > 0)
        out[0] = '\0';
    return rc;
}
