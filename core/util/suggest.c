#include "suggest.h"

#include <stdio.h>
#include <string.h>

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

size_t pv_edit_distance_ci(const char *a, const char *b, size_t cap)
{
    size_t la = strnlen(a, PV_SUGGEST_NAME_SIZE - 1), lb = strnlen(b, PV_SUGGEST_NAME_SIZE - 1);
    /* Three rows of the optimal string alignment matrix: the one before the
     * previous is what a transposition ("mdoe" for "mode") costs from. */
    size_t r0[PV_SUGGEST_NAME_SIZE], r1[PV_SUGGEST_NAME_SIZE], r2[PV_SUGGEST_NAME_SIZE];
    size_t *older = r0, *prev = r1, *cur = r2;

    /* Lengths that far apart cannot come within cap. */
    if ((la > lb ? la - lb : lb - la) > cap)
        return cap + 1;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t smallest;
        cur[0] = i;
        smallest = cur[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && older[j - 2] + 1 < best)
                best = older[j - 2] + 1;
            cur[j] = best;
            if (best < smallest)
                smallest = best;
        }
        if (smallest > cap)
            return cap + 1;
        size_t *t = older;
        older = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb] > cap ? cap + 1 : prev[lb];
}

void pv_suggest_init(pv_suggest *s, const char *query)
{
    size_t len;

    memset(s, 0, sizeof(*s));
    snprintf(s->query, sizeof(s->query), "%s", query);
    len = strlen(s->query);
    /* A third of the name, at least one edit and at most three: "ch0001"
     * finds "ch001", while "x" suggests nothing from a list of "ch..." */
    s->limit = len / 3 < 1 ? 1 : len / 3 > 3 ? 3 : len / 3;
    s->best = s->limit + 1;
}

void pv_suggest_offer(pv_suggest *s, const char *candidate)
{
    size_t d;

    if (strcmp(candidate, s->query) == 0 || strlen(candidate) >= PV_SUGGEST_NAME_SIZE)
        return;
    d = pv_edit_distance_ci(s->query, candidate, s->limit);
    if (d > s->limit || d > s->best)
        return;
    if (d < s->best) {
        s->best = d;
        s->n = 0;
    }
    if (s->n < PV_SUGGEST_MAX)
        snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", candidate);
}

void pv_suggest_text(const pv_suggest *s, char *out, size_t len)
{
    size_t used;

    out[0] = '\0';
    if (s->n == 0 || len == 0)
        return;
    used = (size_t)snprintf(out, len, " (did you mean");
    for (size_t i = 0; i < s->n && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s\"%s\"",
                                 i == 0          ? " "
                                 : i + 1 == s->n ? " or "
                                                 : ", ",
                                 s->names[i]);
    if (used < len)
        snprintf(out + used, len - used, "?)");
}
