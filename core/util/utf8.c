#include "utf8.h"

size_t pv_utf8_sequence(const unsigned char *s, size_t avail)
{
    size_t n, i = 1;

    if (avail == 0)
        return 0;
    n = *s < 0x80             ? 1
        : (*s & 0xe0) == 0xc0 ? 2
        : (*s & 0xf0) == 0xe0 ? 3
        : (*s & 0xf8) == 0xf0 ? 4
                              : 0;
    if (n == 0 || n > avail)
        return 0;
    while (i < n && (s[i] & 0xc0) == 0x80)
        i++;
    return i == n ? n : 0;
}

int pv_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t at = 0;

    while (at < len) {
        size_t n = pv_utf8_sequence(p + at, len - at);
        if (n == 0)
            return 0;
        at += n;
    }
    return 1;
}
