#include "client_text.h"

#include <ctype.h>
#include <string.h>

/* Characters that end a path inside a message: quotes, separators, spaces. */
#define PATH_END " \t\r\n'\",;()[]<>"

void pv_client_text(const char *text, char *out, size_t len)
{
    static const char address[] = "(address)";
    const char *p = text;
    size_t o = 0;

    if (len == 0)
        return;
    while (*p != '\0' && *p != '\n' && *p != '\r' && o + 1 < len) {
        if (*p == '/') {
            /* A path: keep only what follows its last slash. */
            const char *end = p + strcspn(p, PATH_END);
            const char *last = memrchr(p, '/', (size_t)(end - p));
            p = last + 1;
            continue;
        }
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && isxdigit((unsigned char)p[2]) &&
            (p == text || !isalnum((unsigned char)p[-1]))) {
            p += 2;
            while (isxdigit((unsigned char)*p))
                p++;
            for (size_t i = 0; address[i] != '\0' && o + 1 < len; i++)
                out[o++] = address[i];
            continue;
        }
        out[o++] = *p++;
    }
    /* A cut line may end in the separator that led to the next one. */
    while (o > 0 && (out[o - 1] == ' ' || out[o - 1] == ',' || out[o - 1] == ':'))
        o--;
    out[o] = '\0';
}
