/* Values of command-line options: counts and durations. */
#include "commands.h"

#include <stdint.h>
#include <string.h>

int pv_cli_parse_count(const char *text, int64_t *out)
{
    int64_t v = 0;

    if (text == NULL || text[0] == '\0')
        return -1;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - (*p - '0')) / 10)
            return -1;
        v = v * 10 + (*p - '0');
    }
    *out = v;
    return 0;
}

int pv_cli_parse_duration(const char *text, int64_t *out)
{
    static const char units[] = "smhdw";
    static const int64_t unit_s[] = {1, 60, 3600, 86400, 7 * 86400};
    char digits[32];
    size_t len = text != NULL ? strlen(text) : 0;
    const char *u = len > 0 ? strchr(units, text[len - 1]) : NULL;
    int64_t v, unit = u != NULL ? unit_s[u - units] : 1;

    if (len == 0 || len >= sizeof(digits))
        return -1;
    memcpy(digits, text, len + 1);
    if (u != NULL)
        digits[len - 1] = '\0';
    if (pv_cli_parse_count(digits, &v) != 0 || v > INT64_MAX / unit)
        return -1;
    *out = v * unit;
    return 0;
}
