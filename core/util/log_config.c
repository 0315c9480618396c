#include "log_config.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* SpeedData's own config may carry Python logging's level names in capitals
 * (INFO, WARNING) and CRITICAL; they mean the same here. */
static int level_of(const char *text, pivot_log_level *out)
{
    char lower[16];
    size_t i;

    for (i = 0; text[i] != '\0' && i + 1 < sizeof(lower); i++)
        lower[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] - 'A' + 'a' : text[i]);
    lower[i] = '\0';
    if (text[i] != '\0')
        return -1;
    if (strcmp(lower, "critical") == 0) {
        *out = PIVOT_LOG_ERROR;
        return 0;
    }
    if (strcmp(lower, "warn") == 0) {
        *out = PIVOT_LOG_WARNING;
        return 0;
    }
    return pv_log_level_parse(lower, out);
}

int pv_log_configure(const pv_config *cfg, int open_audit_file, char *err, size_t errlen)
{
    const char *format = pv_config_get(cfg, "logging.format");
    const char *level = pv_config_get(cfg, "logging.level");
    const char *audit_file = pv_config_get(cfg, "logging.audit_file");
    const char *env_level = getenv("PIVOT_LOG_LEVEL");
    pv_log_format f = PV_LOG_TEXT;
    pivot_log_level l = PIVOT_LOG_INFO;

    /* Everything is checked before anything is applied, so that a reload
     * with a bad setting changes nothing. A setting left out means its
     * default, also on a reload. A Python logging format string
     * ("%(asctime)s ...") is SpeedData's own setting in a shared file, not a
     * choice made for pivotd. */
    if (format != NULL && strchr(format, '%') == NULL && pv_log_format_parse(format, &f) != 0) {
        snprintf(err, errlen, "logging.format: \"%.64s\" is not a format; use text, logfmt or json",
                 format);
        return -1;
    }
    if (level != NULL && level_of(level, &l) != 0) {
        snprintf(err, errlen,
                 "logging.level: \"%.64s\" is not a level; use error, warning, info or debug",
                 level);
        return -1;
    }
    if (open_audit_file &&
        pv_log_set_audit_file(audit_file != NULL && audit_file[0] != '\0' ? audit_file : NULL, err,
                              errlen) != 0)
        return -1;
    pv_log_set_format(f);
    /* PIVOT_LOG_LEVEL wins; main() has applied it. */
    if (env_level == NULL || env_level[0] == '\0')
        pv_log_set_level(l);
    return 0;
}
