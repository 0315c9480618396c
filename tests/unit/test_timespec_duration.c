/* ISO 8601 durations: accepted forms with exact nanosecond values, and
 * each kind of refusal with its message. */
#include "check.h"

#include "iso_duration.h"

#include <pivot/common.h>

#define SEC INT64_C(1000000000)

static int64_t parse_ok(const char *text)
{
    char why[PIVOT_ERRMSG_SIZE] = "";
    int64_t ns = -1;
    int rc = ts_iso_duration_parse(text, strlen(text), &ns, why, sizeof(why));
    if (rc != 0)
        fprintf(stderr, "unexpected refusal of %s: %s\n", text, why);
    CHECK_INT_EQ(rc, 0);
    return ns;
}

/* Checks that text is refused with a message containing want. */
static void refused(const char *text, const char *want)
{
    char why[PIVOT_ERRMSG_SIZE] = "";
    int64_t ns = 12345;
    int rc = ts_iso_duration_parse(text, strlen(text), &ns, why, sizeof(why));
    CHECK_INT_EQ(rc, PIVOT_EINVAL);
    CHECK_INT_EQ(ns, 12345);
    if (strstr(why, want) == NULL)
        fprintf(stderr, "message for \"%s\" lacks \"%s\": %s\n", text, want, why);
    CHECK(strstr(why, want) != NULL);
}

static void timespec_duration_forms(void)
{
    CHECK_INT_EQ(parse_ok("P1W"), 604800 * SEC);
    CHECK_INT_EQ(parse_ok("P1D"), 86400 * SEC);
    CHECK_INT_EQ(parse_ok("PT1H"), 3600 * SEC);
    CHECK_INT_EQ(parse_ok("PT30M"), 1800 * SEC);
    CHECK_INT_EQ(parse_ok("PT1S"), SEC);
    CHECK_INT_EQ(parse_ok("PT1H30M"), 5400 * SEC);
    CHECK_INT_EQ(parse_ok("P1DT12H"), 129600 * SEC);
    CHECK_INT_EQ(parse_ok("P1DT2H3M4S"), 93784 * SEC);
    CHECK_INT_EQ(parse_ok("PT36H"), 129600 * SEC);
    CHECK_INT_EQ(parse_ok("PT90M"), 5400 * SEC);
    CHECK_INT_EQ(parse_ok("P0DT1S"), SEC);
    CHECK_INT_EQ(parse_ok("P2W"), 1209600 * SEC);
}

static void timespec_duration_fractions(void)
{
    CHECK_INT_EQ(parse_ok("PT0.5S"), 500000000);
    CHECK_INT_EQ(parse_ok("PT0.25S"), 250000000);
    CHECK_INT_EQ(parse_ok("PT1.5H"), 5400 * SEC);
    CHECK_INT_EQ(parse_ok("PT1,5H"), 5400 * SEC);
    CHECK_INT_EQ(parse_ok("PT0.1M"), 6 * SEC);
    CHECK_INT_EQ(parse_ok("P0.5D"), 43200 * SEC);
    CHECK_INT_EQ(parse_ok("P0.5W"), 302400 * SEC);
    CHECK_INT_EQ(parse_ok("P1DT2H3M4.5S"), 93784 * SEC + 500000000);
    CHECK_INT_EQ(parse_ok("PT0.000000001S"), 1);
    CHECK_INT_EQ(parse_ok("PT0.123456789S"), 123456789);
    /* Trailing zeros past nanoseconds add nothing and are accepted. */
    CHECK_INT_EQ(parse_ok("PT0.5000000000000000000000S"), 500000000);
    /* 1e-12 h is 3.6 ns: not a whole nanosecond. */
    refused("PT0.000000000001H", "(a fraction finer than a nanosecond)");
    refused("PT0.0000000001S", "(a fraction finer than a nanosecond)");
    refused("PT0.0000000000000000000001S", "(a fraction finer than a nanosecond)");
    refused("PT1.5H30M", "(only the last component may have a fraction)");
    refused("PT1.S", "(expected digits after the decimal sign)");
    refused("PT.5S", "(expected a number at \".5S\")");
}

static void timespec_duration_limits(void)
{
    CHECK_INT_EQ(parse_ok("PT9223372036.854775807S"), INT64_MAX);
    CHECK_INT_EQ(parse_ok("P15250W"), INT64_C(15250) * 604800 * SEC);
    refused("PT9223372036.854775808S",
            "\"PT9223372036.854775808S\" is too long: durations are limited to about 292 years");
    refused("P15251W", "is too long");
    refused("P99999999999999999999999999D", "is too long");
    refused("P106751DT23H47M16.854775808S", "is too long");
    CHECK_INT_EQ(parse_ok("P106751DT23H47M16.854775807S"), INT64_MAX);
}

static void timespec_duration_refusals(void)
{
    refused("P1Y", "years and months have no fixed length; use weeks or days, e.g. P30D");
    refused("P1M", "years and months have no fixed length; use weeks or days, e.g. P30D");
    refused("P1Y2M3D", "years and months have no fixed length");
    refused("PT-1H", "negative durations are not allowed; send a positive duration such as PT1H");
    refused("-PT1H", "negative durations are not allowed");
    refused("P-1D", "negative durations are not allowed");
    refused("+PT1H", "(no sign is needed: durations are always positive)");
    refused("PT0S", "\"PT0S\" is zero, which makes an empty range");
    refused("P0D", "is zero, which makes an empty range");
    refused("PT0.0H", "is zero, which makes an empty range");
    refused("P", "\"P\" is not a valid ISO 8601 duration (no components after P); send e.g. "
                 "PT30M, PT1H, P1DT12H or P1W");
    refused("PT", "(T must be followed by hours, minutes or seconds, e.g. PT30M)");
    refused("P1DT", "(T must be followed by hours, minutes or seconds");
    refused("", "(must start with P)");
    refused("1H", "(must start with P)");
    refused("pt1h", "(must start with P)");
    refused("PT1h", "(unknown designator at \"h\")");
    refused("P1", "(the number at the end has no designator such as D, H, M or S)");
    refused("P1T1H", "(the number before T has no designator such as D)");
    refused("P1H", "(hours, minutes and seconds go after T, e.g. PT1H)");
    refused("PT1D", "(days and weeks go before T, e.g. P1DT2H)");
    refused("PT1M1H", "(components repeated or out of order; write them as PnDTnHnMnS)");
    refused("PT1H1H", "(components repeated or out of order");
    refused("P1W1D", "(weeks cannot be combined with other components; use days, e.g. P9D)");
    refused("P1D1W", "(weeks cannot be combined with other components");
    refused("P1WT1H", "(weeks cannot be combined with other components");
    refused("PT1HT1M", "(T appears twice)");
    refused("PT1H ", "(expected a number at \" \")");
    refused("PT\n1H", "\"PT\\n1H\" is not a valid ISO 8601 duration (expected a number at "
                      "\"\\n1H\")");
}

int main(void)
{
    timespec_duration_forms();
    timespec_duration_fractions();
    timespec_duration_limits();
    timespec_duration_refusals();
    return check_report();
}
