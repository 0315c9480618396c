/* "Did you mean": exact edit distances without case, and which names are
 * suggested for the mistakes researchers make. */
#include "check.h"
#include "suggest.h"

#include <stddef.h>

static void suggest(const char *query, const char *const *known, size_t n, char *out, size_t len)
{
    pv_suggest s;
    pv_suggest_init(&s, query);
    for (size_t i = 0; i < n; i++)
        pv_suggest_offer(&s, known[i]);
    pv_suggest_text(&s, out, len);
}

int main(void)
{
    static const char *const channels[] = {"ch000", "ch001", "ch002", "ch010", "temperature"};
    static const char *const presets[] = {"last_hour", "last_day", "today", "yesterday"};
    char text[256];

    CHECK_INT_EQ(pv_edit_distance_ci("kitten", "sitting", 10), 3);
    CHECK_INT_EQ(pv_edit_distance_ci("CH000", "ch000", 10), 0);
    CHECK_INT_EQ(pv_edit_distance_ci("ch0001", "ch001", 10), 1);
    CHECK_INT_EQ(pv_edit_distance_ci("", "abc", 10), 3);
    CHECK_INT_EQ(pv_edit_distance_ci("mdoe", "mode", 10), 1); /* a transposition is one edit */
    CHECK_INT_EQ(pv_edit_distance_ci("ca", "abc", 10), 3);
    CHECK_INT_EQ(pv_edit_distance_ci("abcdef", "uvwxyz", 2), 3); /* capped */
    CHECK_INT_EQ(pv_edit_distance_ci("a", "abcdef", 2), 3);      /* lengths too far apart */

    suggest("CH000", channels, 5, text, sizeof(text));
    CHECK_STR_EQ(text, " (did you mean \"ch000\"?)");
    suggest("ch0001", channels, 5, text, sizeof(text));
    CHECK_STR_EQ(text, " (did you mean \"ch000\" or \"ch001\"?)");
    /* Three at one distance are all named. */
    static const char *const three[] = {"ab1", "ab2", "ab3", "ab4"};
    suggest("abc", three, 4, text, sizeof(text));
    CHECK_STR_EQ(text, " (did you mean \"ab1\", \"ab2\" or \"ab3\"?)");
    suggest("temprature", channels, 5, text, sizeof(text));
    CHECK_STR_EQ(text, " (did you mean \"temperature\"?)");
    suggest("pressure", channels, 5, text, sizeof(text));
    CHECK_STR_EQ(text, "");
    suggest("x", channels, 5, text, sizeof(text));
    CHECK_STR_EQ(text, "");
    suggest("lasthour", presets, 4, text, sizeof(text));
    CHECK_STR_EQ(text, " (did you mean \"last_hour\"?)");
    suggest("Yesterday", presets, 4, text, sizeof(text));
    CHECK_STR_EQ(text, " (did you mean \"yesterday\"?)");
    return check_report();
}
