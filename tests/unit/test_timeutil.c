/* RFC 3339 formatting of API times. */
#include "check.h"
#include "timeutil.h"

int main(void)
{
    char text[PV_TIME_TEXT_SIZE];

    pv_time_format_ns(0, text);
    CHECK_STR_EQ(text, "1970-01-01T00:00:00Z");
    pv_time_format_ns(1737642600LL * 1000000000, text);
    CHECK_STR_EQ(text, "2025-01-23T14:30:00Z");
    pv_time_format_ns(1737642600LL * 1000000000 + 250000000, text);
    CHECK_STR_EQ(text, "2025-01-23T14:30:00.25Z");
    pv_time_format_ns(1737642600LL * 1000000000 + 1, text);
    CHECK_STR_EQ(text, "2025-01-23T14:30:00.000000001Z");
    /* Leap day and the end of the int64 range. */
    pv_time_format_ns(1709164800LL * 1000000000, text);
    CHECK_STR_EQ(text, "2024-02-29T00:00:00Z");
    pv_time_format_ns(INT64_MAX, text);
    CHECK_STR_EQ(text, "2262-04-11T23:47:16.854775807Z");
    pv_time_format_ms(1737642600123LL, text);
    CHECK_STR_EQ(text, "2025-01-23T14:30:00.123Z");
    CHECK(pv_now_ns() > 1700000000LL * 1000000000);
    return check_report();
}
