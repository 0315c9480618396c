/*
 * Durations of settings and options (core/util/duration.c): the short forms
 * 90s/15m/12h/7d/2w, bare seconds, and ISO 8601 in whole seconds, with their
 * refusals, and the same grammar to the millisecond. The configuration (test_config) and the CLI
 * use this one parser.
 */
#include "check.h"
#include "duration.h"

#include <pivot/common.h>

typedef struct duration_case {
    const char *text;
    int rc;          /* 0, PIVOT_EINVAL or PIVOT_ERANGE */
    int64_t seconds; /* when rc is 0 */
    const char *message;
} duration_case;

static const duration_case cases[] = {
    /* Bare seconds and the short forms. */
    {"0", 0, 0, NULL},
    {"600", 0, 600, NULL},
    {"90s", 0, 90, NULL},
    {"15m", 0, 900, NULL},
    {"12h", 0, 43200, NULL},
    {"7d", 0, 604800, NULL},
    {"2w", 0, 1209600, NULL},
    {"0s", 0, 0, NULL},
    {"1000w", 0, 604800000, NULL},
    {"9223372036854775807", 0, INT64_MAX, NULL},
    {"9223372036854775807s", 0, INT64_MAX, NULL},
    {"15250284452471w", 0, INT64_C(15250284452471) * 604800, NULL},
    /* ISO 8601, as the API takes it. */
    {"PT10M", 0, 600, NULL},
    {"PT90M", 0, 5400, NULL},
    {"P1DT12H", 0, 129600, NULL},
    {"P1W", 0, 604800, NULL},
    {"PT1.5H", 0, 5400, NULL},
    {"PT1,5S", PIVOT_EINVAL, 0, "\"PT1,5S\" is not a whole number of seconds"},
    {"PT0.5S", PIVOT_EINVAL, 0, "is not a whole number of seconds"},
    {"PT0S", PIVOT_EINVAL, 0, "is zero"},
    {"P1M", PIVOT_EINVAL, 0, "years and months have no fixed length"},
    {"P1DT", PIVOT_EINVAL, 0, "not a valid ISO 8601 duration"},
    {"PT9223372036.854775808S", PIVOT_EINVAL, 0, "is too long"},
    /* No signs: a duration is a length of time. */
    {"-2d", PIVOT_EINVAL, 0, "\"-2d\" is negative; a duration is a length of time"},
    {"-5", PIVOT_EINVAL, 0, "is negative"},
    {"+5", PIVOT_EINVAL, 0, "\"+5\" is not a duration; send seconds (600)"},
    /* Overflow of 64-bit seconds. */
    {"9223372036854775808", PIVOT_ERANGE, 0, "is too long"},
    {"15250284452472w", PIVOT_ERANGE, 0, "is too long"},
    {"99999999999999999d", PIVOT_ERANGE, 0, "is too long"},
    /* Malformed. */
    {"", PIVOT_EINVAL, 0, "\"\" is not a duration"},
    {"h", PIVOT_EINVAL, 0, "\"h\" is not a duration"},
    {"5x", PIVOT_EINVAL, 0, "is not a duration"},
    {"1.5h", PIVOT_EINVAL, 0, "is not a duration"},
    {"1 h", PIVOT_EINVAL, 0, "is not a duration"},
    {"1hm", PIVOT_EINVAL, 0, "is not a duration"},
    {"1H", PIVOT_EINVAL, 0, "is not a duration"},
    {"1y", PIVOT_EINVAL, 0, "is not a duration"},
    {"pt10m", PIVOT_EINVAL, 0, "is not a duration"},
    /* Milliseconds, which must come to whole seconds here. */
    {"2000ms", 0, 2, NULL},
    {"0ms", 0, 0, NULL},
    {"1500ms", PIVOT_EINVAL, 0, "\"1500ms\" is not a whole number of seconds; send e.g. 2000ms"},
    {"ms", PIVOT_EINVAL, 0, "\"ms\" is not a duration"},
    {"1.5ms", PIVOT_EINVAL, 0, "is not a duration"},
    {"soon", PIVOT_EINVAL, 0,
     "\"soon\" is not a duration; send seconds (600), a number followed by s, m, h, d or w "
     "(90s, 15m, 12h, 7d, 2w), or an ISO 8601 duration (PT10M, P1DT12H)"},
};

/* The same grammar to the millisecond (pv_duration_parse_ms). */
static const duration_case ms_cases[] = {
    {"250ms", 0, 250, NULL},
    {"1ms", 0, 1, NULL},
    {"2", 0, 2000, NULL}, /* a bare number is still seconds */
    {"90s", 0, 90000, NULL},
    {"15m", 0, 900000, NULL},
    {"PT0.25S", 0, 250, NULL},
    {"PT1,5S", 0, 1500, NULL},
    {"PT10M", 0, 600000, NULL},
    {"PT0.0005S", PIVOT_EINVAL, 0,
     "\"PT0.0005S\" is not a whole number of milliseconds; send e.g. PT0.25S"},
    {"9223372036854775807ms", 0, INT64_MAX, NULL},
    {"9223372036854775s", 0, INT64_C(9223372036854775000), NULL},
    {"9223372036854776s", PIVOT_ERANGE, 0, "is too long: more milliseconds"},
    {"0.5s", PIVOT_EINVAL, 0,
     "\"0.5s\" is not a duration; send seconds (600), a number followed by ms, s, m, h, d or w "
     "(250ms, 90s, 15m, 12h), or an ISO 8601 duration (PT0.25S, PT10M)"},
    {"-250ms", PIVOT_EINVAL, 0, "is negative"},
};

static void check_cases(const duration_case *cases_, size_t n,
                        int (*parse)(const char *, int64_t *, char *, size_t))
{
    for (size_t i = 0; i < n; i++) {
        const duration_case *c = &cases_[i];
        char why[PIVOT_ERRMSG_SIZE] = "";
        int64_t value = 12345;
        int rc = parse(c->text, &value, why, sizeof(why));
        if (rc != c->rc)
            fprintf(stderr, "\"%s\": rc %d: %s\n", c->text, rc, why);
        CHECK_INT_EQ(rc, c->rc);
        CHECK_INT_EQ(value, c->rc == 0 ? c->seconds : 12345);
        if (c->message != NULL && strstr(why, c->message) == NULL)
            fprintf(stderr, "message for \"%s\" lacks \"%s\": %s\n", c->text, c->message, why);
        CHECK(c->message == NULL || strstr(why, c->message) != NULL);
    }
}

int main(void)
{
    check_cases(cases, sizeof(cases) / sizeof(cases[0]), pv_duration_parse);
    check_cases(ms_cases, sizeof(ms_cases) / sizeof(ms_cases[0]), pv_duration_parse_ms);
    return check_report();
}
