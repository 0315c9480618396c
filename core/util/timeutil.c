#include "timeutil.h"

#include <pivot/grammar.h>
#include <time.h>

int64_t pv_time_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t pv_time_now_ms(void)
{
    return pv_time_now_ns() / 1000000;
}

int64_t pv_time_monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t pv_time_monotonic_ms(void)
{
    return pv_time_monotonic_ns() / 1000000;
}

/* RFC 3339 has one writer, the SDK's grammar library, which the HDF5
 * exporter's attributes use too; the buffer always suffices. */
void pv_time_format_ns(int64_t ns, char out[PV_TIME_TEXT_SIZE])
{
    pivot_rfc3339_format(ns, out, PV_TIME_TEXT_SIZE);
}

void pv_time_format_ms(int64_t ms, char out[PV_TIME_TEXT_SIZE])
{
    pv_time_format_ns(ms * 1000000, out);
}
