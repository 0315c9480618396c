#include <pivot/grammar.h>

#include <stdio.h>

/* UTF-8 continuation bytes are 10xxxxxx; a cut must not land before one,
 * or the message would carry a broken character into the JSON response. */
static int is_continuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

const char *pivot_quote(const char *text, size_t len, char out[PIVOT_QUOTE_SIZE])
{
    size_t n = 0, shown = len;
    int cut = 0;

    if (text == NULL) {
        text = "";
        len = shown = 0;
    }
    if (len > PIVOT_QUOTE_MAX) {
        shown = PIVOT_QUOTE_MAX;
        while (shown > 0 && is_continuation((unsigned char)text[shown]))
            shown--;
        cut = 1;
    }
    out[n++] = '"';
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '"' || c == '\\') {
            out[n++] = '\\';
            out[n++] = (char)c;
        } else if (c == '\n') {
            out[n++] = '\\';
            out[n++] = 'n';
        } else if (c == '\t') {
            out[n++] = '\\';
            out[n++] = 't';
        } else if (c == '\r') {
            out[n++] = '\\';
            out[n++] = 'r';
        } else if (c < 0x20 || c == 0x7F) {
            snprintf(out + n, 5, "\\x%02X", c);
            n += 4;
        } else {
            out[n++] = (char)c;
        }
    }
    out[n++] = '"';
    if (cut) {
        out[n++] = '.';
        out[n++] = '.';
        out[n++] = '.';
    }
    out[n] = '\0';
    return out;
}
