/* Clocks and the millisecond form of API times; the RFC 3339 text itself is
 * tested with its grammar (test_grammar_rfc3339.c). */
#include "check.h"
#include "timeutil.h"

int main(void)
{
    char text[PV_TIME_TEXT_SIZE];

    pv_time_format_ns(INT64_MAX, text);
    CHECK_STR_EQ(text, "2262-04-11T23:47:16.854775807Z");
    pv_time_format_ms(1737642600123LL, text);
    CHECK_STR_EQ(text, "2025-01-23T14:30:00.123Z");
    CHECK(pv_time_now_ns() > 1700000000LL * 1000000000);
    return check_report();
}
