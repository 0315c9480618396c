/*
 * RFC 3339 text of the *_iso attributes and ISO 8601 text of durations:
 * fractional seconds only when not whole.
 */
#include "check.h"
#include "iso_time.h"

#include <pivot/common.h>

static void check_iso(int64_t ns, const char *expected)
{
    char buf[HX_ISO_TIME_SIZE] = "";

    CHECK_INT_EQ(hx_iso_time(ns, buf, sizeof(buf)), 0);
    CHECK_STR_EQ(buf, expected);
}

static void check_duration(int64_t ns, const char *expected)
{
    char buf[HX_ISO_DURATION_SIZE] = "";

    CHECK_INT_EQ(hx_iso_duration(ns, buf, sizeof(buf)), 0);
    CHECK_STR_EQ(buf, expected);
}

int main(void)
{
    char small[8];
    char buf[HX_ISO_DURATION_SIZE];

    check_iso(0, "1970-01-01T00:00:00Z");
    check_iso(INT64_C(1737642600000000000), "2025-01-23T14:30:00Z");
    check_iso(INT64_C(1737642600250000000), "2025-01-23T14:30:00.25Z");
    check_iso(INT64_C(1737642600500000000), "2025-01-23T14:30:00.5Z");
    check_iso(INT64_C(1737642600000000001), "2025-01-23T14:30:00.000000001Z");
    check_iso(INT64_C(1737642600123456000), "2025-01-23T14:30:00.123456Z");
    check_iso(-1, "1969-12-31T23:59:59.999999999Z");
    check_iso(INT64_C(-1000000000), "1969-12-31T23:59:59Z");
    check_iso(INT64_C(951782400000000000), "2000-02-29T00:00:00Z");
    check_iso(INT64_MAX, "2262-04-11T23:47:16.854775807Z");
    check_iso(INT64_MIN, "1677-09-21T00:12:43.145224192Z");
    CHECK_INT_EQ(hx_iso_time(0, small, sizeof(small)), PIVOT_ERANGE);

    /* Seconds only, however long: the request's P1DT12H comes back as PT129600S. */
    check_duration(INT64_C(1000000000), "PT1S");
    check_duration(INT64_C(1000000), "PT0.001S");
    check_duration(1, "PT0.000000001S");
    check_duration(INT64_C(1500000000), "PT1.5S");
    check_duration(INT64_C(90500000000), "PT90.5S");
    check_duration(INT64_C(129600000000000), "PT129600S");
    check_duration(INT64_MAX, "PT9223372036.854775807S");
    CHECK_INT_EQ(hx_iso_duration(0, buf, sizeof(buf)), PIVOT_ERANGE);
    CHECK_INT_EQ(hx_iso_duration(-1, buf, sizeof(buf)), PIVOT_ERANGE);
    CHECK_INT_EQ(hx_iso_duration(INT64_C(1000000000), small, 4), PIVOT_ERANGE);
    return check_report();
}
