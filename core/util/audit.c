#include "audit.h"

#include "log.h"
#include "timeutil.h"

#include <stdarg.h>
#include <stdio.h>

void pv_audit(pivot_log_level level, const char *event, const char *peer, const char *credential,
              const char *fmt, ...)
{
    char at[PV_TIME_TEXT_SIZE], what[1024];
    va_list ap;

    /* Whole seconds are enough for an audit trail and easier to grep. */
    pv_time_format_ms(pv_now_ms() / 1000 * 1000, at);
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    pv_log(level, "pivotd", "audit: %s %s from %s key %s: %s", at, event,
           peer != NULL && peer[0] != '\0' ? peer : "?",
           credential != NULL && credential[0] != '\0' ? credential : "-", what);
}
