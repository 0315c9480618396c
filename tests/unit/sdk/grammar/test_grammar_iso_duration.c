/*
 * ISO 8601 durations (sdk/grammar/iso_duration.c), the one grammar of
 * time_range durations, options.decimation.interval, and the ISO form of
 * settings and options: accepted forms with exact nanosecond values, each
 * kind of refusal with its message, limits, and formatting read back.
 */
#include "check.h"

#include <pivot/common.h>
#include <pivot/grammar.h>

#define SEC INT64_C(1000000000)

typedef struct accepted {
    const char *text;
    int64_t ns;
} accepted;

/* A refused text and a part of its message (the code is always EINVAL). */
typedef struct refused {
    const char *text;
    const char *message;
} refused;

static const accepted valid[] = {
    {"P1W", 604800 * SEC},
    {"P2W", 1209600 * SEC},
    {"P1D", 86400 * SEC},
    {"P2D", 172800 * SEC},
    {"PT1H", 3600 * SEC},
    {"PT2H", 7200 * SEC},
    {"PT30M", 1800 * SEC},
    {"PT10M", 600 * SEC},
    {"PT1S", SEC},
    {"PT1H30M", 5400 * SEC},
    {"P1DT12H", 129600 * SEC},
    {"P1DT2H3M4S", 93784 * SEC},
    {"PT36H", 129600 * SEC},
    {"PT90M", 5400 * SEC},
    {"P0DT1S", SEC},
    /* Fractions on the last component, '.' or ','. */
    {"PT0.5S", 500000000},
    {"PT0,5S", 500000000},
    {"PT0.25S", 250000000},
    {"PT0.001S", 1000000},
    {"PT1M30.5S", 90 * SEC + 500000000},
    {"PT1.5H", 5400 * SEC},
    {"PT1,5H", 5400 * SEC},
    {"PT1.5M", 90 * SEC},
    {"PT0.1M", 6 * SEC},
    {"P0.5D", 43200 * SEC},
    {"P0.5W", 302400 * SEC},
    {"P1DT2H3M4.5S", 93784 * SEC + 500000000},
    {"PT0.000000001S", 1},
    {"PT0.123456789S", 123456789},
    /* Trailing zeros past nanoseconds add nothing. */
    {"PT0.5000000000000000000000S", 500000000},
    /* The limits of int64 nanoseconds. */
    {"PT9223372036.854775807S", INT64_MAX},
    {"P106751DT23H47M16.854775807S", INT64_MAX},
    {"P15250W", INT64_C(15250) * 604800 * SEC},
};

static const refused invalid[] = {
    /* Finer than a nanosecond: 1e-12 h is 3.6 ns. */
    {"PT0.000000000001H", "(a fraction finer than a nanosecond)"},
    {"PT0.0000000001S", "(a fraction finer than a nanosecond)"},
    {"PT0.0000000000000000000001S", "(a fraction finer than a nanosecond)"},
    {"PT1.5H30M", "(only the last component may have a fraction)"},
    {"PT1.S", "(expected digits after the decimal sign)"},
    {"PT.5S", "(expected a number at \".5S\")"},
    /* Overflow. */
    {"PT9223372036.854775808S",
     "\"PT9223372036.854775808S\" is too long: durations are limited to about 292 years"},
    {"P15251W", "is too long"},
    {"P999999999999D", "is too long"},
    {"P99999999999999999999999999D", "is too long"},
    {"P106751DT23H47M16.854775808S", "is too long"},
    /* No fixed length, signs, zero. */
    {"P1Y", "years and months have no fixed length; use weeks or days, e.g. P30D"},
    {"P1M", "years and months have no fixed length; use weeks or days, e.g. P30D"},
    {"P1Y2M3D", "years and months have no fixed length"},
    {"PT-1H", "negative durations are not allowed; send a positive duration such as PT1H"},
    {"PT-1S", "negative durations are not allowed"},
    {"-PT1H", "negative durations are not allowed"},
    {"P-1D", "negative durations are not allowed"},
    {"+PT1H", "(no sign is needed: durations are always positive)"},
    {"PT0S", "\"PT0S\" is zero, which makes an empty range"},
    {"P0D", "is zero, which makes an empty range"},
    {"PT0.0H", "is zero, which makes an empty range"},
    /* Malformed. */
    {"P", "\"P\" is not a valid ISO 8601 duration (no components after P); send e.g. "
          "PT30M, PT1H, P1DT12H or P1W"},
    {"PT", "(T must be followed by hours, minutes or seconds, e.g. PT30M)"},
    {"P1DT", "(T must be followed by hours, minutes or seconds"},
    {"", "(must start with P)"},
    {"1H", "(must start with P)"},
    {"1S", "(must start with P)"},
    {"pt1h", "(must start with P)"},
    {"pt1s", "(must start with P)"},
    {"30m", "(must start with P)"},
    {"PT1h", "(unknown designator at \"h\")"},
    {"P1", "(the number at the end has no designator such as D, H, M or S)"},
    {"PT1", "(the number at the end has no designator"},
    {"P1T1H", "(the number before T has no designator such as D)"},
    {"P1H", "(hours, minutes and seconds go after T, e.g. PT1H)"},
    {"PT1D", "(days and weeks go before T, e.g. P1DT2H)"},
    {"PT1DS", "(days and weeks go before T"},
    {"PT1M1H", "(components repeated or out of order; write them as PnDTnHnMnS)"},
    {"PT1S1M", "(components repeated or out of order"},
    {"PT1H1H", "(components repeated or out of order"},
    {"P1W1D", "(weeks cannot be combined with other components; use days, e.g. P9D)"},
    {"P1D1W", "(weeks cannot be combined with other components"},
    {"P1WT1H", "(weeks cannot be combined with other components"},
    {"PT1HT1M", "(T appears twice)"},
    {"PT1H ", "(expected a number at \" \")"},
    {"PT1S ", "(expected a number at \" \")"},
    {"PT\n1H", "\"PT\\n1H\" is not a valid ISO 8601 duration (expected a number at \"\\n1H\")"},
};

/* Seconds only, however long: a request's P1DT12H is written PT129600S. */
static const accepted formatted[] = {
    {"PT1S", SEC},
    {"PT0.001S", 1000000},
    {"PT0.000000001S", 1},
    {"PT1.5S", 1500000000},
    {"PT90.5S", 90500000000},
    {"PT129600S", 129600 * SEC},
    {"PT9223372036.854775807S", INT64_MAX},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_valid(void)
{
    for (size_t i = 0; i < COUNT(valid); i++) {
        char why[PIVOT_ERRMSG_SIZE] = "";
        int64_t ns = -1;
        int rc =
            pivot_iso_duration_parse(valid[i].text, strlen(valid[i].text), &ns, why, sizeof(why));
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
        int rc = pivot_iso_duration_parse(invalid[i].text, strlen(invalid[i].text), &ns, why,
                                          sizeof(why));
        if (rc != PIVOT_EINVAL)
            fprintf(stderr, "accepted \"%s\"\n", invalid[i].text);
        CHECK_INT_EQ(rc, PIVOT_EINVAL);
        CHECK_INT_EQ(ns, 12345);
        if (strstr(why, invalid[i].message) == NULL)
            fprintf(stderr, "message for \"%s\" lacks \"%s\": %s\n", invalid[i].text,
                    invalid[i].message, why);
        CHECK(strstr(why, invalid[i].message) != NULL);
    }
}

static void test_format(void)
{
    char text[PIVOT_ISO_DURATION_SIZE], small[4];

    for (size_t i = 0; i < COUNT(formatted); i++) {
        int64_t ns = -1;
        char why[PIVOT_ERRMSG_SIZE];
        CHECK_INT_EQ(pivot_iso_duration_format(formatted[i].ns, text, sizeof(text)), 0);
        CHECK_STR_EQ(text, formatted[i].text);
        CHECK_INT_EQ(pivot_iso_duration_parse(text, strlen(text), &ns, why, sizeof(why)), 0);
        CHECK_INT_EQ(ns, formatted[i].ns);
    }
    CHECK_INT_EQ(pivot_iso_duration_format(0, text, sizeof(text)), PIVOT_ERANGE);
    CHECK_INT_EQ(pivot_iso_duration_format(-1, text, sizeof(text)), PIVOT_ERANGE);
    CHECK_INT_EQ(pivot_iso_duration_format(SEC, small, sizeof(small)), PIVOT_ERANGE);
    CHECK_STR_EQ(small, "");
}

int main(void)
{
    test_valid();
    test_invalid();
    test_format();
    return check_report();
}
