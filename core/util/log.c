#include "log.h"

#include "timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static pivot_log_level max_level = PIVOT_LOG_INFO;

void pv_log_set_level(pivot_log_level level)
{
    max_level = level;
}

int pv_log_level_parse(const char *text, pivot_log_level *out)
{
    static const pivot_log_level levels[] = {PIVOT_LOG_ERROR, PIVOT_LOG_WARNING, PIVOT_LOG_INFO,
                                             PIVOT_LOG_DEBUG};
    static const char *const names[] = {"error", "warning", "info", "debug"};

    for (size_t i = 0; text != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = levels[i];
            return 0;
        }
    }
    return -1;
}

static const char *level_name(pivot_log_level level)
{
    switch (level) {
    case PIVOT_LOG_ERROR:
        return "error";
    case PIVOT_LOG_WARNING:
        return "warning";
    case PIVOT_LOG_INFO:
        return "info";
    case PIVOT_LOG_DEBUG:
        return "debug";
    }
    return "log";
}

void pv_log(pivot_log_level level, const char *origin, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    int n;

    if (level > max_level)
        return;
    n = snprintf(line, sizeof(line), "%s: %s: ", origin ? origin : "pivotd", level_name(level));
    if (n < 0 || (size_t)n >= sizeof(line))
        return;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
    va_end(ap);
    /* One fputs per line: stdio locks the stream, so lines from threads do not interleave. */
    fprintf(stderr, "%s\n", line);
}

void pv_log_audit(pivot_log_level level, const char *event, const char *peer,
                  const char *credential, const char *fmt, ...)
{
    char at[PV_TIME_TEXT_SIZE], what[1024];
    va_list ap;

    /* Whole seconds are enough for an audit trail and easier to grep. */
    pv_time_format_ms(pv_time_now_ms() / 1000 * 1000, at);
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    pv_log(level, "pivotd", "audit: %s %s from %s key %s: %s", at, event,
           peer != NULL && peer[0] != '\0' ? peer : "?",
           credential != NULL && credential[0] != '\0' ? credential : "-", what);
}
