/* The range types built from explicit times and durations. */
#include "parsers.h"

#include "fields.h"
#include "units.h"

#include <stdio.h>
#include <string.h>

static int resolve_absolute(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                            size_t errlen)
{
    int64_t start, end;
    int rc;

    (void)now_ns; /* explicit times need no clock */
    if ((rc = ts_field_time(spec, "start", "absolute", &start, err, errlen)) != 0 ||
        (rc = ts_field_time(spec, "end", "absolute", &end, err, errlen)) != 0)
        goto out;
    if (start >= end) {
        const char *start_text = "", *end_text = "";
        char qs[PIVOT_QUOTE_SIZE], qe[PIVOT_QUOTE_SIZE];
        /* Both members were just read successfully, so these cannot fail. */
        ts_field_string(spec, "start", "absolute", "", &start_text, err, errlen);
        ts_field_string(spec, "end", "absolute", "", &end_text, err, errlen);
        snprintf(err, errlen,
                 "time_range: end must be after start (start %s, end %s); the range is "
                 "half-open [start, end), so an equal end selects nothing",
                 pivot_quote(start_text, strlen(start_text), qs),
                 pivot_quote(end_text, strlen(end_text), qe));
        rc = PIVOT_EINVAL;
        goto out;
    }
    out->start_ns = start;
    out->end_ns = end;
out:
    return rc;
}

static int resolve_start_duration(const pivot_json *spec, int64_t now_ns, pivot_range *out,
                                  char *err, size_t errlen)
{
    int64_t start, duration;
    int rc;

    (void)now_ns; /* explicit times need no clock */
    if ((rc = ts_field_time(spec, "start", "start_duration", &start, err, errlen)) != 0 ||
        (rc = ts_field_duration(spec, "duration", "start_duration", &duration, err, errlen)) != 0)
        goto out;
    if (start > INT64_MAX - duration) {
        snprintf(err, errlen,
                 "time_range.duration: start + duration is after " TS_LAST_TIME_TEXT
                 ", the last time 64-bit nanoseconds can hold; send a shorter duration");
        rc = PIVOT_EINVAL;
        goto out;
    }
    out->start_ns = start;
    out->end_ns = start + duration;
out:
    return rc;
}

static int resolve_end_duration(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                                size_t errlen)
{
    int64_t end, duration;
    int rc;

    (void)now_ns; /* explicit times need no clock */
    if ((rc = ts_field_time(spec, "end", "end_duration", &end, err, errlen)) != 0 ||
        (rc = ts_field_duration(spec, "duration", "end_duration", &duration, err, errlen)) != 0)
        goto out;
    /* Both are non-negative, so the difference cannot overflow. */
    if (end - duration < 0) {
        snprintf(err, errlen,
                 "time_range.duration: end - duration is before " TS_FIRST_TIME_TEXT
                 "; send a shorter duration or a later end");
        rc = PIVOT_EINVAL;
        goto out;
    }
    out->start_ns = end - duration;
    out->end_ns = end;
out:
    return rc;
}

/* Shared by "relative" and "duration", which differ only in the type named
 * in a missing-field message. */
static int resolve_back_from_now(const char *type, const pivot_json *spec, int64_t now_ns,
                                 pivot_range *out, char *err, size_t errlen)
{
    int64_t duration;
    int rc;

    if ((rc = ts_field_duration(spec, "duration", type, &duration, err, errlen)) != 0)
        goto out;
    if (now_ns < 0 || now_ns - duration < 0) {
        snprintf(err, errlen,
                 "time_range.duration: now - duration is before " TS_FIRST_TIME_TEXT
                 "; send a shorter duration");
        rc = PIVOT_EINVAL;
        goto out;
    }
    out->start_ns = now_ns - duration;
    out->end_ns = now_ns;
out:
    return rc;
}

static int resolve_relative(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                            size_t errlen)
{
    return resolve_back_from_now("relative", spec, now_ns, out, err, errlen);
}

static int resolve_duration(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                            size_t errlen)
{
    return resolve_back_from_now("duration", spec, now_ns, out, err, errlen);
}

const pivot_timespec_parser ts_parser_absolute = {sizeof(pivot_timespec_parser), "absolute",
                                                  resolve_absolute};
const pivot_timespec_parser ts_parser_start_duration = {sizeof(pivot_timespec_parser),
                                                        "start_duration", resolve_start_duration};
const pivot_timespec_parser ts_parser_end_duration = {sizeof(pivot_timespec_parser), "end_duration",
                                                      resolve_end_duration};
const pivot_timespec_parser ts_parser_relative = {sizeof(pivot_timespec_parser), "relative",
                                                  resolve_relative};
const pivot_timespec_parser ts_parser_duration = {sizeof(pivot_timespec_parser), "duration",
                                                  resolve_duration};
