/* options.decimation's words: the method names and the ISO 8601 interval. */
#include "decimate.h"

#include <string.h>

static const char *const method_names[] = {"none", "downsample", "mean",  "min",
                                           "max",  "rms",        "minmax"};

int pv_decimate_method_parse(const char *name, pv_decimate_method *out)
{
    for (size_t i = 1; name != NULL && i < sizeof(method_names) / sizeof(method_names[0]); i++) {
        if (strcmp(name, method_names[i]) == 0) {
            *out = (pv_decimate_method)i;
            return 0;
        }
    }
    return PIVOT_EINVAL;
}

const char *pv_decimate_method_name(pv_decimate_method method)
{
    if ((size_t)method < sizeof(method_names) / sizeof(method_names[0]))
        return method_names[method];
    return "unknown";
}

/* Reads digits into *v; returns how many were read (0 on overflow past 10^15). */
static size_t read_digits(const char *s, int64_t *v)
{
    size_t n = 0;
    *v = 0;
    while (s[n] >= '0' && s[n] <= '9') {
        if (*v > 100000000000000LL)
            return 0;
        *v = *v * 10 + (s[n] - '0');
        n++;
    }
    return n;
}

/* Adds value * unit to *total; returns 0 or PIVOT_ERANGE. */
static int add_scaled(int64_t *total, int64_t value, int64_t unit)
{
    int64_t part;
    if (__builtin_mul_overflow(value, unit, &part) || __builtin_add_overflow(*total, part, total))
        return PIVOT_ERANGE;
    return 0;
}

int pv_decimate_interval_parse(const char *text, int64_t *ns)
{
    /* Designators in the order ISO 8601 puts them, and their length. */
    static const struct {
        char designator;
        int in_time;
        int64_t unit;
    } parts[] = {{'D', 0, 86400000000000LL},
                 {'H', 1, 3600000000000LL},
                 {'M', 1, 60000000000LL},
                 {'S', 1, 1000000000LL}};
    const char *s = text;
    int64_t total = 0;
    size_t next = 0, components = 0;
    int in_time = 0;

    if (s == NULL || *s++ != 'P')
        return PIVOT_EINVAL;
    while (*s != '\0') {
        int64_t value, frac = 0, frac_unit = 1000000000LL;
        size_t n;
        if (*s == 'T' && !in_time) {
            in_time = 1;
            s++;
            if (*s == '\0')
                return PIVOT_EINVAL; /* "PT" names no component */
            continue;
        }
        n = read_digits(s, &value);
        if (n == 0)
            return PIVOT_EINVAL;
        s += n;
        if (*s == '.' || *s == ',') {
            /* Only seconds take a fraction: a fraction of a day is rarely meant. */
            size_t digits = 0;
            for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
                if (digits < 9) {
                    frac = frac * 10 + (*s - '0');
                    frac_unit /= 10;
                }
            }
            if (digits == 0 || *s != 'S')
                return PIVOT_EINVAL;
        }
        while (next < sizeof(parts) / sizeof(parts[0]) &&
               (parts[next].designator != *s || parts[next].in_time != in_time))
            next++;
        if (next == sizeof(parts) / sizeof(parts[0]))
            return PIVOT_EINVAL; /* Y, W, a month, a repeat or out of order */
        if (add_scaled(&total, value, parts[next].unit) != 0 ||
            add_scaled(&total, frac, frac_unit) != 0)
            return PIVOT_ERANGE;
        next++;
        components++;
        s++;
    }
    if (components == 0 || total <= 0)
        return PIVOT_EINVAL;
    *ns = total;
    return 0;
}
