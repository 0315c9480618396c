#include "audit_line.h"

#include <pivot/grammar.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define PLUGIN "auth"

/* "2025-01-23T14:30:00Z": audit lines carry their own time, whatever the log does. */
static void utc_now(char out[PIVOT_RFC3339_SIZE])
{
    pivot_rfc3339_format((int64_t)time(NULL) * PIVOT_NS_PER_SEC, out, PIVOT_RFC3339_SIZE);
}

void auth_audit(const pivot_host *host, pivot_log_level level, const char *event, const char *peer,
                const char *key_id, const char *fmt, ...)
{
    char at[PIVOT_RFC3339_SIZE], what[512];
    va_list ap;

    if (host == NULL || host->log == NULL)
        return;
    utc_now(at);
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    host->log(level, PLUGIN, "audit: %s %s from %s key %s: %s", at, event,
              peer != NULL && peer[0] != '\0' ? peer : "?",
              key_id != NULL && key_id[0] != '\0' ? key_id : "-", what);
}

void auth_credential(pivot_principal *who, const char *credential)
{
    /* A host built before the member gave a smaller principal. */
    if (PIVOT_HAS_MEMBER(who, pivot_principal, credential))
        snprintf(who->credential, sizeof(who->credential), "%s", credential);
}
