/*
 * Bounded decimal integers (sdk/grammar/integer.c), the one reader of
 * settings, option values and query counts: values at and beyond the
 * bounds, the ends of int64, and text that is no integer at all.
 */
#include "check.h"

#include <pivot/common.h>
#include <pivot/grammar.h>

typedef struct integer_case {
    const char *text;
    int64_t min, max;
    int rc;              /* 0, PIVOT_EINVAL or PIVOT_ERANGE */
    int64_t out;         /* when rc is 0 */
    const char *message; /* a part of the message when rc is not 0 */
} integer_case;

static const integer_case cases[] = {
    {"0", 0, 10, 0, 0, NULL},
    {"7", 0, 10, 0, 7, NULL},
    {"10", 0, 10, 0, 10, NULL},
    {"007", 0, 10, 0, 7, NULL},
    {"-5", -10, 10, 0, -5, NULL},
    {"-0", 0, 10, 0, 0, NULL},
    {"65535", 0, 65535, 0, 65535, NULL},
    {"9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX, NULL},
    {"-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN, NULL},
    /* Bounds. */
    {"11", 0, 10, PIVOT_ERANGE, 0, "\"11\" is out of range; send a whole number from 0 to 10"},
    {"-1", 0, 65535, PIVOT_ERANGE, 0, "from 0 to 65535"},
    {"65536", 0, 65535, PIVOT_ERANGE, 0, "\"65536\" is out of range"},
    /* Overflow of 64 bits is out of range, not malformed. */
    {"9223372036854775808", INT64_MIN, INT64_MAX, PIVOT_ERANGE, 0, "is out of range"},
    {"-9223372036854775809", INT64_MIN, INT64_MAX, PIVOT_ERANGE, 0, "is out of range"},
    {"99999999999999999999999", 0, 10, PIVOT_ERANGE, 0, "is out of range"},
    /* Not an integer. */
    {"", 0, 10, PIVOT_EINVAL, 0, "\"\" is not a whole number; send digits such as 25"},
    {"-", -10, 10, PIVOT_EINVAL, 0, "\"-\" is not a whole number"},
    {"+5", 0, 10, PIVOT_EINVAL, 0, "\"+5\" is not a whole number"},
    {" 5", 0, 10, PIVOT_EINVAL, 0, "is not a whole number"},
    {"5 ", 0, 10, PIVOT_EINVAL, 0, "is not a whole number"},
    {"1.5", 0, 10, PIVOT_EINVAL, 0, "is not a whole number"},
    {"1e3", 0, 10000, PIVOT_EINVAL, 0, "is not a whole number"},
    {"0x10", 0, 100, PIVOT_EINVAL, 0, "is not a whole number"},
    {"two", 0, 10, PIVOT_EINVAL, 0, "\"two\" is not a whole number"},
    {"--1", -10, 10, PIVOT_EINVAL, 0, "is not a whole number"},
    /* Malformed wins over too large: the whole text is looked at. */
    {"99999999999999999999x", 0, 10, PIVOT_EINVAL, 0, "is not a whole number"},
};

int main(void)
{
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const integer_case *c = &cases[i];
        char why[PIVOT_ERRMSG_SIZE] = "";
        int64_t out = 12345;
        int rc = pivot_int_parse(c->text, strlen(c->text), c->min, c->max, &out, why, sizeof(why));
        if (rc != c->rc)
            fprintf(stderr, "\"%s\" in [%" PRId64 ", %" PRId64 "]: rc %d: %s\n", c->text, c->min,
                    c->max, rc, why);
        CHECK_INT_EQ(rc, c->rc);
        CHECK_INT_EQ(out, c->rc == 0 ? c->out : 12345);
        if (c->message != NULL && strstr(why, c->message) == NULL)
            fprintf(stderr, "message for \"%s\" lacks \"%s\": %s\n", c->text, c->message, why);
        CHECK(c->message == NULL || strstr(why, c->message) != NULL);
    }
    /* The length bounds the parse: "12" of "123". */
    char why[PIVOT_ERRMSG_SIZE];
    int64_t out = 0;
    CHECK_INT_EQ(pivot_int_parse("123", 2, 0, 100, &out, why, sizeof(why)), 0);
    CHECK_INT_EQ(out, 12);
    return check_report();
}
