#include "audit.h"

#include "log.h"
#include "timeutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The id of "pvk_<12 characters>_<secret>"; see plugins/auth/key_format.h. */
#define KEY_PREFIX "pvk_"
#define KEY_ID_LEN 12

void pv_audit(pivot_log_level level, const char *event, const char *peer, const char *key_id,
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
           key_id != NULL && key_id[0] != '\0' ? key_id : "-", what);
}

void pv_audit_key_id(const char *key, size_t len, char *out, size_t outlen)
{
    size_t prefix = sizeof(KEY_PREFIX) - 1;

    snprintf(out, outlen, "-");
    if (key == NULL || len < prefix + KEY_ID_LEN + 1 || memcmp(key, KEY_PREFIX, prefix) != 0 ||
        outlen <= KEY_ID_LEN)
        return;
    for (size_t i = prefix; i < prefix + KEY_ID_LEN; i++) {
        char c = key[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return;
    }
    memcpy(out, key + prefix, KEY_ID_LEN);
    out[KEY_ID_LEN] = '\0';
}
