/*
 * The text parsers the time-spec plugin uses (the SDK's grammar library):
 * RFC 3339 timestamps and ISO 8601 durations. The first byte chooses the parser (even: timestamp,
 * odd: duration); the rest is the text, with no terminating NUL, as the plugin receives a (pointer,
 * length) pair.
 */
#include "fuzz_target.h"

#include <pivot/grammar.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char why[256];
    int64_t ns = 0;
    char *text;

    if (size == 0)
        return 0;
    /* An exact-size copy, so that reading one byte past the text is caught. */
    text = malloc(size - 1 > 0 ? size - 1 : 1);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, size - 1);
    why[0] = '\0';
    if (data[0] % 2 == 0) {
        if (pivot_rfc3339_parse(text, size - 1, &ns, why, sizeof(why)) == 0 && ns < 0)
            abort(); /* the parser promises times from 1970 on */
    } else {
        if (pivot_iso_duration_parse(text, size - 1, &ns, why, sizeof(why)) == 0 && ns <= 0)
            abort(); /* and positive durations */
    }
    if (memchr(why, '\0', sizeof(why)) == NULL)
        abort();
    free(text);
    return 0;
}
