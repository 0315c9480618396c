/* RFC 3339 timestamps: every accepted form, exact nanosecond values, and
 * each kind of refusal with its message. */
#include "check.h"

#include "rfc3339.h"

#include <pivot/common.h>

#define T_2025_01_23_1430 INT64_C(1737642600000000000)

static int64_t parse_ok(const char *text)
{
    char why[PIVOT_ERRMSG_SIZE] = "";
    int64_t ns = -1;
    int rc = ts_rfc3339_parse(text, strlen(text), &ns, why, sizeof(why));
    if (rc != 0)
        fprintf(stderr, "unexpected refusal of %s: %s\n", text, why);
    CHECK_INT_EQ(rc, 0);
    return ns;
}

/* Checks that text is refused with code rc and a message containing want. */
static void refused(const char *text, int rc_want, const char *want)
{
    char why[PIVOT_ERRMSG_SIZE] = "";
    int64_t ns = 12345;
    int rc = ts_rfc3339_parse(text, strlen(text), &ns, why, sizeof(why));
    CHECK_INT_EQ(rc, rc_want);
    CHECK_INT_EQ(ns, 12345);
    if (strstr(why, want) == NULL)
        fprintf(stderr, "message for \"%s\" lacks \"%s\": %s\n", text, want, why);
    CHECK(strstr(why, want) != NULL);
}

static void timespec_rfc3339_forms(void)
{
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00Z"), T_2025_01_23_1430);
    CHECK_INT_EQ(parse_ok("2025-01-23t14:30:00z"), T_2025_01_23_1430);
    CHECK_INT_EQ(parse_ok("2025-01-23 14:30:00Z"), T_2025_01_23_1430);
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00+00:00"), T_2025_01_23_1430);
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00-00:00"), T_2025_01_23_1430);
    CHECK_INT_EQ(parse_ok("2025-01-23T15:30:00Z"), INT64_C(1737646200000000000));
}

static void timespec_rfc3339_offsets(void)
{
    CHECK_INT_EQ(parse_ok("2025-01-23T16:30:00+02:00"), T_2025_01_23_1430);
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00+05:30"), INT64_C(1737622800000000000));
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00-05:30"), INT64_C(1737662400000000000));
    /* An offset that moves the date across midnight and a year end. */
    CHECK_INT_EQ(parse_ok("2025-01-01T01:00:00+02:00"), INT64_C(1735686000000000000));
    CHECK_INT_EQ(parse_ok("2024-12-31T23:00:00-23:59"), INT64_C(1735772340000000000));
}

static void timespec_rfc3339_fractions(void)
{
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00.5Z"), T_2025_01_23_1430 + 500000000);
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00.123Z"), T_2025_01_23_1430 + 123000000);
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00.123456Z"), T_2025_01_23_1430 + 123456000);
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00.123456789Z"), T_2025_01_23_1430 + 123456789);
    CHECK_INT_EQ(parse_ok("2025-01-23T14:30:00.000000001Z"), T_2025_01_23_1430 + 1);
    CHECK_INT_EQ(parse_ok("2025-01-23T16:30:00.25+02:00"), T_2025_01_23_1430 + 250000000);
    refused("2025-01-23T14:30:00.1234567891Z", PIVOT_EINVAL, "more than 9 fractional digits");
    refused("2025-01-23T14:30:00.Z", PIVOT_EINVAL, "expected digits after the decimal point");
    refused("2025-01-23T14:30:00,5Z", PIVOT_EINVAL, "missing time zone");
}

static void timespec_rfc3339_leap_years(void)
{
    CHECK_INT_EQ(parse_ok("2024-02-29T00:00:00Z"), INT64_C(1709164800000000000));
    CHECK_INT_EQ(parse_ok("2000-02-29T12:00:00Z"), INT64_C(951825600000000000));
    refused("2023-02-29T00:00:00Z", PIVOT_EINVAL, "(day 29, but 2023-02 has 28 days)");
    refused("2100-02-29T00:00:00Z", PIVOT_EINVAL, "(day 29, but 2100-02 has 28 days)");
    refused("2025-04-31T00:00:00Z", PIVOT_EINVAL, "(day 31, but 2025-04 has 30 days)");
    refused("2025-01-00T00:00:00Z", PIVOT_EINVAL, "(day 0, but 2025-01 has 31 days)");
}

static void timespec_rfc3339_boundaries(void)
{
    CHECK_INT_EQ(parse_ok("1970-01-01T00:00:00Z"), 0);
    CHECK_INT_EQ(parse_ok("1970-01-01T00:00:00.000000001Z"), 1);
    CHECK_INT_EQ(parse_ok("1970-01-01T01:00:00+01:00"), 0);
    refused("1969-12-31T23:59:59.999999999Z", PIVOT_ERANGE,
            "\"1969-12-31T23:59:59.999999999Z\" is before 1970-01-01T00:00:00Z: times before the "
            "Unix epoch are not valid telemetry times");
    refused("1970-01-01T00:00:00+00:01", PIVOT_ERANGE, "is before 1970-01-01T00:00:00Z");
    refused("0000-01-01T00:00:00Z", PIVOT_ERANGE, "is before 1970-01-01T00:00:00Z");

    CHECK_INT_EQ(parse_ok("2262-04-11T23:47:16.854775807Z"), INT64_MAX);
    CHECK_INT_EQ(parse_ok("2262-04-12T01:47:16.854775807+02:00"), INT64_MAX);
    CHECK_INT_EQ(parse_ok("2262-04-11T23:47:16Z"), INT64_C(9223372036000000000));
    refused("2262-04-11T23:47:16.854775808Z", PIVOT_ERANGE,
            "\"2262-04-11T23:47:16.854775808Z\" is after 2262-04-11T23:47:16.854775807Z");
    refused("2262-04-11T23:47:17Z", PIVOT_ERANGE, "is after 2262-04-11T23:47:16.854775807Z");
    refused("9999-12-31T23:59:59Z", PIVOT_ERANGE, "is after 2262-04-11T23:47:16.854775807Z");
}

static void timespec_rfc3339_refusals(void)
{
    refused("2025-13-01T00:00:00Z", PIVOT_EINVAL,
            "\"2025-13-01T00:00:00Z\" is not a valid RFC 3339 timestamp (month 13); send e.g. "
            "2025-01-23T14:30:00Z");
    refused("2025-00-01T00:00:00Z", PIVOT_EINVAL, "(month 0)");
    refused("2025-01-23T24:00:00Z", PIVOT_EINVAL, "(hour 24)");
    refused("2025-01-23T14:60:00Z", PIVOT_EINVAL, "(minute 60)");
    refused("2016-12-31T23:59:60Z", PIVOT_EINVAL,
            "(second 60: leap seconds cannot be represented in Unix time)");
    refused("2025-01-23T14:30:61Z", PIVOT_EINVAL, "(second 61)");
    refused("2025-01-23T14:30:00", PIVOT_EINVAL, "(missing time zone: end with Z for UTC");
    refused("2025-01-23T14:30Z", PIVOT_EINVAL, "(expected the time as hh:mm:ss)");
    refused("2025-01-23", PIVOT_EINVAL, "(expected T between the date and the time)");
    refused("2025-01-23X14:30:00Z", PIVOT_EINVAL, "(expected T between the date and the time)");
    refused("25-01-23T14:30:00Z", PIVOT_EINVAL, "(expected a 4-digit year first)");
    refused("20251-01-23T14:30:00Z", PIVOT_EINVAL, "(expected -MM after the year)");
    refused("2025-1-23T14:30:00Z", PIVOT_EINVAL, "(expected -MM after the year)");
    refused("2025-01-3T14:30:00Z", PIVOT_EINVAL, "(expected -DD after the month)");
    refused("2025-01-23T14:30:00+2:00", PIVOT_EINVAL, "(expected the offset as +hh:mm");
    refused("2025-01-23T14:30:00+0200", PIVOT_EINVAL, "(expected the offset as +hh:mm");
    refused("2025-01-23T14:30:00+24:00", PIVOT_EINVAL, "(offset +24:00 out of range)");
    refused("2025-01-23T14:30:00-01:60", PIVOT_EINVAL, "(offset -01:60 out of range)");
    refused("2025-01-23T14:30:00Zjunk", PIVOT_EINVAL, "(unexpected text after the time zone)");
    refused("2025-01-23T14:30:00Z ", PIVOT_EINVAL, "(unexpected text after the time zone)");
    refused(" 2025-01-23T14:30:00Z", PIVOT_EINVAL, "(expected a 4-digit year first)");
    refused("", PIVOT_EINVAL, "\"\" is not a valid RFC 3339 timestamp (expected a 4-digit year");
    refused("yesterday", PIVOT_EINVAL, "\"yesterday\" is not a valid RFC 3339 timestamp");
}

static void timespec_rfc3339_quoting(void)
{
    /* Control characters are escaped and long text is cut with "...". */
    refused("2025\n01\"23\\", PIVOT_EINVAL, "\"2025\\n01\\\"23\\\\\" is not a valid");
    refused("\x01\x7f", PIVOT_EINVAL, "\"\\x01\\x7F\" is not a valid");
    char long_text[200];
    memset(long_text, 'a', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    char want[128];
    snprintf(want, sizeof(want), "\"%.64s\"... is not a valid", long_text);
    refused(long_text, PIVOT_EINVAL, want);
    /* A cut never splits a UTF-8 character: 63 ASCII bytes then "é" (2 bytes). */
    char utf8[80];
    memset(utf8, 'b', 63);
    strcpy(utf8 + 63, "\xc3\xa9xyz");
    snprintf(want, sizeof(want), "\"%.63s\"... is not", utf8);
    refused(utf8, PIVOT_EINVAL, want);

    /* The length bounds the parse: a NUL-free prefix of a longer buffer works. */
    char why[PIVOT_ERRMSG_SIZE];
    int64_t ns = 0;
    CHECK_INT_EQ(ts_rfc3339_parse("2025-01-23T14:30:00Zgarbage", 20, &ns, why, sizeof(why)), 0);
    CHECK_INT_EQ(ns, T_2025_01_23_1430);
}

static void timespec_days_from_civil(void)
{
    CHECK_INT_EQ(ts_days_from_civil(1970, 1, 1), 0);
    CHECK_INT_EQ(ts_days_from_civil(1969, 12, 31), -1);
    CHECK_INT_EQ(ts_days_from_civil(2000, 3, 1), 11017);
    CHECK_INT_EQ(ts_days_from_civil(2262, 4, 11), 106751);
}

int main(void)
{
    timespec_rfc3339_forms();
    timespec_rfc3339_offsets();
    timespec_rfc3339_fractions();
    timespec_rfc3339_leap_years();
    timespec_rfc3339_boundaries();
    timespec_rfc3339_refusals();
    timespec_rfc3339_quoting();
    timespec_days_from_civil();
    return check_report();
}
