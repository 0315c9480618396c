/* setenv, tzset and localtime_r are POSIX, beyond the C standard. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE /* tm_gmtoff */
#endif
#include "tz_table.h"

#include <pivot/common.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DAY 86400

static int32_t offset_now(int64_t utc)
{
    time_t t = (time_t)utc;
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL)
        return 0;
    return (int32_t)tm.tm_gmtoff;
}

static int append(tz_table *t, size_t *cap, int64_t from, int32_t offset)
{
    if (t->nchanges == *cap) {
        size_t n = *cap ? *cap * 2 : 64;
        tz_change *grown = realloc(t->changes, n * sizeof(*grown));
        if (grown == NULL)
            return PIVOT_ENOMEM;
        t->changes = grown;
        *cap = n;
    }
    t->changes[t->nchanges].from = from;
    t->changes[t->nchanges].offset = offset;
    t->nchanges++;
    return 0;
}

/* Zone names are file names under the zoneinfo directory; a missing one would
 * silently mean UTC to tzset, so look for the file first. */
static int zone_installed(const char *name)
{
    const char *dir = getenv("TZDIR");
    char path[512];
    if (name[0] == '/' || strstr(name, "..") != NULL)
        return 0;
    snprintf(path, sizeof(path), "%s/%s", dir != NULL && dir[0] ? dir : "/usr/share/zoneinfo",
             name);
    return access(path, R_OK) == 0;
}

int tz_table_build(tz_table *t, const char *name, int64_t from, int64_t to, char *err,
                   size_t errlen)
{
    char *saved = NULL;
    const char *old = getenv("TZ");
    size_t cap = 0;
    int rc = 0;

    memset(t, 0, sizeof(*t));
    if (strlen(name) >= sizeof(t->name) || !zone_installed(name)) {
        snprintf(err, errlen,
                 "time zone \"%s\" is not installed (expected an IANA name such "
                 "as Europe/Berlin)",
                 name);
        return PIVOT_EINVAL;
    }
    snprintf(t->name, sizeof(t->name), "%s", name);
    if (old != NULL && (saved = strdup(old)) == NULL)
        return PIVOT_ENOMEM;
    setenv("TZ", name, 1);
    tzset();
    /* Walk the span a day at a time; where the offset changed, bisect to the second. */
    int32_t current = offset_now(from);
    rc = append(t, &cap, from, current);
    for (int64_t day = from; rc == 0 && day < to; day += DAY) {
        int32_t next = offset_now(day + DAY);
        if (next == current)
            continue;
        int64_t lo = day, hi = day + DAY; /* offset(lo) == current, offset(hi) == next */
        while (hi - lo > 1) {
            int64_t mid = lo + (hi - lo) / 2;
            if (offset_now(mid) == current)
                lo = mid;
            else
                hi = mid;
        }
        rc = append(t, &cap, hi, next);
        current = next;
    }
    if (saved != NULL)
        setenv("TZ", saved, 1);
    else
        unsetenv("TZ");
    tzset();
    free(saved);
    if (rc != 0) {
        snprintf(err, errlen, "out of memory building the time zone table");
        tz_table_free(t);
    }
    return rc;
}

int32_t tz_offset_at(const tz_table *t, int64_t utc)
{
    size_t lo = 0, hi = t->nchanges;
    if (t->nchanges == 0)
        return 0;
    /* The last change with from <= utc; the first one for earlier instants. */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->changes[mid].from <= utc)
            lo = mid;
        else
            hi = mid;
    }
    return t->changes[lo].offset;
}

int64_t tz_local_to_utc(const tz_table *t, int64_t local)
{
    /* Guess with the offset of a day earlier, then use the offset in effect
     * at the guess. Away from a change that is exact; in an overlap it picks
     * the earlier instant; in a gap the wall-clock time does not exist and
     * the result lies the jump's length earlier. */
    int64_t guess = local - tz_offset_at(t, local - DAY);
    return local - tz_offset_at(t, guess);
}

void tz_table_free(tz_table *t)
{
    free(t->changes);
    memset(t, 0, sizeof(*t));
}
