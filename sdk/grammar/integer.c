/* Bounded decimal integers: the one reader of counts, sizes, ports and
 * limits, whether they come from a query string, a setting or an option. */
#include <pivot/grammar.h>

#include <pivot/common.h>
#include <stdio.h>

int pivot_int_parse(const char *text, size_t len, int64_t min, int64_t max, int64_t *out, char *why,
                    size_t whylen)
{
    char quoted[PIVOT_QUOTE_SIZE];
    size_t i = len > 0 && text[0] == '-' ? 1 : 0;
    int negative = i == 1, overflow = 0;
    /* Accumulated as a negative number, whose range is one wider, so that
     * INT64_MIN reads back exactly. */
    int64_t v = 0;
    int rc = PIVOT_EINVAL;

    if (i == len) {
        snprintf(why, whylen, "%s is not a whole number; send digits such as 25",
                 pivot_quote(text, len, quoted));
        goto out;
    }
    for (; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') {
            snprintf(why, whylen, "%s is not a whole number; send digits such as 25",
                     pivot_quote(text, len, quoted));
            goto out;
        }
        int digit = text[i] - '0';
        if (v < (INT64_MIN + digit) / 10)
            overflow = 1;
        else
            v = v * 10 - digit;
    }
    if (!negative && !overflow && v == INT64_MIN)
        overflow = 1;
    if (overflow || (negative ? v : -v) < min || (negative ? v : -v) > max) {
        snprintf(why, whylen, "%s is out of range; send a whole number from %lld to %lld",
                 pivot_quote(text, len, quoted), (long long)min, (long long)max);
        rc = PIVOT_ERANGE;
        goto out;
    }
    *out = negative ? v : -v;
    rc = 0;
out:
    return rc;
}
