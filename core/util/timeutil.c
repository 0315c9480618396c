#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t pv_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t pv_now_ms(void)
{
    return pv_now_ns() / 1000000;
}

int64_t pv_monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Civil date from days since 1970-01-01 (H. Hinnant's algorithm), so that
 * formatting does not depend on the process's time zone or locale. */
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

void pv_time_format_ns(int64_t ns, char out[PV_TIME_TEXT_SIZE])
{
    int64_t secs = ns / 1000000000, frac = ns % 1000000000;
    if (frac < 0) {
        frac += 1000000000;
        secs -= 1;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    int64_t y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int n = snprintf(out, PV_TIME_TEXT_SIZE, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d,
                     (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
    if (frac != 0 && n > 0 && n < PV_TIME_TEXT_SIZE - 12) {
        char digits[10];
        snprintf(digits, sizeof(digits), "%09lld", (long long)frac);
        size_t len = 9;
        while (len > 0 && digits[len - 1] == '0')
            len--;
        digits[len] = '\0';
        n += snprintf(out + n, (size_t)(PV_TIME_TEXT_SIZE - n), ".%s", digits);
    }
    if (n > 0 && n < PV_TIME_TEXT_SIZE - 1)
        snprintf(out + n, (size_t)(PV_TIME_TEXT_SIZE - n), "Z");
}

void pv_time_format_ms(int64_t ms, char out[PV_TIME_TEXT_SIZE])
{
    pv_time_format_ns(ms * 1000000, out);
}
