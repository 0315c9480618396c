/*
 * RFC 3339 times (sdk/grammar/rfc3339.c), the one reader and writer the API,
 * the configuration and the HDF5 attributes share: every accepted form with
 * its exact nanosecond value, every kind of refusal with its message, and
 * formatting, with each accepted time read back from its formatted text.
 */
#include "check.h"

#include <pivot/common.h>
#include <pivot/grammar.h>

#define T_2025_01_23_1430 INT64_C(1737642600000000000)

/* A text and the nanoseconds it names. */
typedef struct accepted {
    const char *text;
    int64_t ns;
} accepted;

/* A text, the code it is refused with, and a part of the message. */
typedef struct refused {
    const char *text;
    int rc;
    const char *message;
} refused;

static const accepted valid[] = {
    /* Separators and zones. */
    {"2025-01-23T14:30:00Z", T_2025_01_23_1430},
    {"2025-01-23t14:30:00z", T_2025_01_23_1430},
    {"2025-01-23 14:30:00Z", T_2025_01_23_1430},
    {"2025-01-23T14:30:00+00:00", T_2025_01_23_1430},
    {"2025-01-23T14:30:00-00:00", T_2025_01_23_1430},
    {"2025-01-23T15:30:00Z", INT64_C(1737646200000000000)},
    /* Offsets, across midnight and a year end. */
    {"2025-01-23T16:30:00+02:00", T_2025_01_23_1430},
    {"2025-01-23T14:30:00+05:30", INT64_C(1737622800000000000)},
    {"2025-01-23T14:30:00-05:30", INT64_C(1737662400000000000)},
    {"2025-01-01T01:00:00+02:00", INT64_C(1735686000000000000)},
    {"2024-12-31T23:00:00-23:59", INT64_C(1735772340000000000)},
    /* Fractions, down to nanoseconds. */
    {"2025-01-23T14:30:00.5Z", T_2025_01_23_1430 + 500000000},
    {"2025-01-23T14:30:00.123Z", T_2025_01_23_1430 + 123000000},
    {"2025-01-23T14:30:00.123456Z", T_2025_01_23_1430 + 123456000},
    {"2025-01-23T14:30:00.123456789Z", T_2025_01_23_1430 + 123456789},
    {"2025-01-23T14:30:00.000000001Z", T_2025_01_23_1430 + 1},
    {"2025-01-23T16:30:00.25+02:00", T_2025_01_23_1430 + 250000000},
    /* Leap years. */
    {"2024-02-29T00:00:00Z", INT64_C(1709164800000000000)},
    {"2000-02-29T12:00:00Z", INT64_C(951825600000000000)},
    /* The ends of the span. */
    {"1970-01-01T00:00:00Z", 0},
    {"1970-01-01T00:00:00.000000001Z", 1},
    {"1970-01-01T01:00:00+01:00", 0},
    {"2262-04-11T23:47:16.854775807Z", INT64_MAX},
    {"2262-04-12T01:47:16.854775807+02:00", INT64_MAX},
    {"2262-04-11T23:47:16Z", INT64_C(9223372036000000000)},
};

static const refused invalid[] = {
    {"2025-01-23T14:30:00.1234567891Z", PIVOT_EINVAL, "more than 9 fractional digits"},
    {"2025-01-23T14:30:00.Z", PIVOT_EINVAL, "expected digits after the decimal point"},
    {"2025-01-23T14:30:00,5Z", PIVOT_EINVAL, "missing time zone"},
    {"2023-02-29T00:00:00Z", PIVOT_EINVAL, "(day 29, but 2023-02 has 28 days)"},
    {"2100-02-29T00:00:00Z", PIVOT_EINVAL, "(day 29, but 2100-02 has 28 days)"},
    {"2025-04-31T00:00:00Z", PIVOT_EINVAL, "(day 31, but 2025-04 has 30 days)"},
    {"2025-01-00T00:00:00Z", PIVOT_EINVAL, "(day 0, but 2025-01 has 31 days)"},
    {"1969-12-31T23:59:59.999999999Z", PIVOT_ERANGE,
     "\"1969-12-31T23:59:59.999999999Z\" is before 1970-01-01T00:00:00Z: times before the "
     "Unix epoch are not valid telemetry times"},
    {"1970-01-01T00:00:00+00:01", PIVOT_ERANGE, "is before 1970-01-01T00:00:00Z"},
    {"0000-01-01T00:00:00Z", PIVOT_ERANGE, "is before 1970-01-01T00:00:00Z"},
    {"2262-04-11T23:47:16.854775808Z", PIVOT_ERANGE,
     "\"2262-04-11T23:47:16.854775808Z\" is after 2262-04-11T23:47:16.854775807Z"},
    {"2262-04-11T23:47:17Z", PIVOT_ERANGE, "is after 2262-04-11T23:47:16.854775807Z"},
    {"9999-12-31T23:59:59Z", PIVOT_ERANGE, "is after 2262-04-11T23:47:16.854775807Z"},
    {"2025-13-01T00:00:00Z", PIVOT_EINVAL,
     "\"2025-13-01T00:00:00Z\" is not a valid RFC 3339 timestamp (month 13); send e.g. "
     "2025-01-23T14:30:00Z"},
    {"2025-00-01T00:00:00Z", PIVOT_EINVAL, "(month 0)"},
    {"2025-01-23T24:00:00Z", PIVOT_EINVAL, "(hour 24)"},
    {"2025-01-23T14:60:00Z", PIVOT_EINVAL, "(minute 60)"},
    {"2016-12-31T23:59:60Z", PIVOT_EINVAL,
     "(second 60: leap seconds cannot be represented in Unix time)"},
    {"2025-01-23T14:30:61Z", PIVOT_EINVAL, "(second 61)"},
    {"2025-01-23T14:30:00", PIVOT_EINVAL, "(missing time zone: end with Z for UTC"},
    {"2025-01-23T14:30Z", PIVOT_EINVAL, "(expected the time as hh:mm:ss)"},
    {"2025-01-23", PIVOT_EINVAL, "(expected T between the date and the time)"},
    {"2025-01-23X14:30:00Z", PIVOT_EINVAL, "(expected T between the date and the time)"},
    {"25-01-23T14:30:00Z", PIVOT_EINVAL, "(expected a 4-digit year first)"},
    {"20251-01-23T14:30:00Z", PIVOT_EINVAL, "(expected -MM after the year)"},
    {"2025-1-23T14:30:00Z", PIVOT_EINVAL, "(expected -MM after the year)"},
    {"2025-01-3T14:30:00Z", PIVOT_EINVAL, "(expected -DD after the month)"},
    {"2025-01-23T14:30:00+2:00", PIVOT_EINVAL, "(expected the offset as +hh:mm"},
    {"2025-01-23T14:30:00+0200", PIVOT_EINVAL, "(expected the offset as +hh:mm"},
    {"2025-01-23T14:30:00+24:00", PIVOT_EINVAL, "(offset +24:00 out of range)"},
    {"2025-01-23T14:30:00-01:60", PIVOT_EINVAL, "(offset -01:60 out of range)"},
    {"2025-01-23T14:30:00Zjunk", PIVOT_EINVAL, "(unexpected text after the time zone)"},
    {"2025-01-23T14:30:00Z ", PIVOT_EINVAL, "(unexpected text after the time zone)"},
    {" 2025-01-23T14:30:00Z", PIVOT_EINVAL, "(expected a 4-digit year first)"},
    {"", PIVOT_EINVAL, "\"\" is not a valid RFC 3339 timestamp (expected a 4-digit year"},
    {"yesterday", PIVOT_EINVAL, "\"yesterday\" is not a valid RFC 3339 timestamp"},
    /* Control characters are escaped in the message. */
    {"2025\n01\"23\\", PIVOT_EINVAL, "\"2025\\n01\\\"23\\\\\" is not a valid"},
    {"\x01\x7f", PIVOT_EINVAL, "\"\\x01\\x7F\" is not a valid"},
};

/* A time and its text: the shortest fraction, before 1970 included. */
static const accepted formatted[] = {
    {"1970-01-01T00:00:00Z", 0},
    {"2025-01-23T14:30:00Z", T_2025_01_23_1430},
    {"2025-01-23T14:30:00.25Z", T_2025_01_23_1430 + 250000000},
    {"2025-01-23T14:30:00.5Z", T_2025_01_23_1430 + 500000000},
    {"2025-01-23T14:30:00.000000001Z", T_2025_01_23_1430 + 1},
    {"2025-01-23T14:30:00.123456Z", T_2025_01_23_1430 + 123456000},
    {"2024-02-29T00:00:00Z", INT64_C(1709164800000000000)},
    {"2000-02-29T00:00:00Z", INT64_C(951782400000000000)},
    {"1969-12-31T23:59:59.999999999Z", -1},
    {"1969-12-31T23:59:59Z", INT64_C(-1000000000)},
    {"2262-04-11T23:47:16.854775807Z", INT64_MAX},
    {"1677-09-21T00:12:43.145224192Z", INT64_MIN},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_valid(void)
{
    for (size_t i = 0; i < COUNT(valid); i++) {
        char why[PIVOT_ERRMSG_SIZE] = "";
        int64_t ns = -1;
        int rc = pivot_rfc3339_parse(valid[i].text, strlen(valid[i].text), &ns, why, sizeof(why));
        if (rc != 0 || ns != valid[i].ns)
            fprintf(stderr, "%s: rc %d, ns %" PRId64 ": %s\n", valid[i].text, rc, ns, why);
        CHECK_INT_EQ(rc, 0);
        CHECK_INT_EQ(ns, valid[i].ns);
    }
}

static void test_invalid(void)
{
    for (size_t i = 0; i < COUNT(invalid); i++) {
        char why[PIVOT_ERRMSG_SIZE] = "";
        int64_t ns = 12345;
        int rc =
            pivot_rfc3339_parse(invalid[i].text, strlen(invalid[i].text), &ns, why, sizeof(why));
        CHECK_INT_EQ(rc, invalid[i].rc);
        CHECK_INT_EQ(ns, 12345);
        if (strstr(why, invalid[i].message) == NULL)
            fprintf(stderr, "message for \"%s\" lacks \"%s\": %s\n", invalid[i].text,
                    invalid[i].message, why);
        CHECK(strstr(why, invalid[i].message) != NULL);
    }
}

/* Long text is cut with "..." in messages, never inside a UTF-8 character;
 * the length bounds the parse, so a prefix of a longer buffer works. */
static void test_quoting_and_length(void)
{
    char why[PIVOT_ERRMSG_SIZE], text[200], want[128];
    int64_t ns = 0;

    memset(text, 'a', sizeof(text) - 1);
    text[sizeof(text) - 1] = '\0';
    snprintf(want, sizeof(want), "\"%.64s\"... is not a valid", text);
    CHECK_INT_EQ(pivot_rfc3339_parse(text, strlen(text), &ns, why, sizeof(why)), PIVOT_EINVAL);
    CHECK(strstr(why, want) != NULL);
    /* 63 ASCII bytes then "é" (2 bytes): the cut falls before the é. */
    memset(text, 'b', 63);
    strcpy(text + 63, "\xc3\xa9xyz");
    snprintf(want, sizeof(want), "\"%.63s\"... is not", text);
    CHECK_INT_EQ(pivot_rfc3339_parse(text, strlen(text), &ns, why, sizeof(why)), PIVOT_EINVAL);
    CHECK(strstr(why, want) != NULL);

    CHECK_INT_EQ(pivot_rfc3339_parse("2025-01-23T14:30:00Zgarbage", 20, &ns, why, sizeof(why)), 0);
    CHECK_INT_EQ(ns, T_2025_01_23_1430);
}

static void test_format(void)
{
    char text[PIVOT_RFC3339_SIZE], small[8];

    for (size_t i = 0; i < COUNT(formatted); i++) {
        CHECK_INT_EQ(pivot_rfc3339_format(formatted[i].ns, text, sizeof(text)), 0);
        CHECK_STR_EQ(text, formatted[i].text);
    }
    CHECK_INT_EQ(pivot_rfc3339_format(0, small, sizeof(small)), PIVOT_ERANGE);
    CHECK_STR_EQ(small, "");
}

/* What the parser accepts, the formatter writes back in a form the parser
 * reads as the same time. */
static void test_round_trip(void)
{
    for (size_t i = 0; i < COUNT(valid); i++) {
        char text[PIVOT_RFC3339_SIZE], why[PIVOT_ERRMSG_SIZE];
        int64_t ns = -1;
        CHECK_INT_EQ(pivot_rfc3339_format(valid[i].ns, text, sizeof(text)), 0);
        CHECK_INT_EQ(pivot_rfc3339_parse(text, strlen(text), &ns, why, sizeof(why)), 0);
        CHECK_INT_EQ(ns, valid[i].ns);
    }
}

static void test_days_from_civil(void)
{
    CHECK_INT_EQ(pivot_days_from_civil(1970, 1, 1), 0);
    CHECK_INT_EQ(pivot_days_from_civil(1969, 12, 31), -1);
    CHECK_INT_EQ(pivot_days_from_civil(2000, 3, 1), 11017);
    CHECK_INT_EQ(pivot_days_from_civil(2262, 4, 11), 106751);
}

int main(void)
{
    test_valid();
    test_invalid();
    test_quoting_and_length();
    test_format();
    test_round_trip();
    test_days_from_civil();
    return check_report();
}
