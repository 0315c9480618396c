#include "utf16.h"

#define REPLACEMENT 0xFFFD

/* The code point of the sequence at s (n bytes left), its length in *used;
 * REPLACEMENT with *used 1 for an invalid, overlong or truncated one. */
static uint32_t decode(const unsigned char *s, size_t n, size_t *used)
{
    static const uint32_t min_of[5] = {0, 0, 0x80, 0x800, 0x10000};
    uint32_t cp;
    size_t len;

    *used = 1;
    if (s[0] < 0x80)
        return s[0];
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2;
        cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3;
        cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4;
        cp = s[0] & 0x07;
    } else {
        return REPLACEMENT;
    }
    if (len > n)
        return REPLACEMENT;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return REPLACEMENT;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min_of[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return REPLACEMENT;
    *used = len;
    return cp;
}

size_t mx_utf16_from_utf8(const char *text, size_t len, uint16_t *out)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, units = 0, used;

    while (i < len) {
        uint32_t cp = decode(s + i, len - i, &used);

        i += used;
        if (cp >= 0x10000) { /* a surrogate pair: 4 bytes in, 2 units out */
            cp -= 0x10000;
            out[units++] = (uint16_t)(0xD800 | cp >> 10);
            out[units++] = (uint16_t)(0xDC00 | (cp & 0x3FF));
        } else {
            out[units++] = (uint16_t)cp;
        }
    }
    return units;
}
