#include "problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int pv_problem_set(pv_problem *p, int status, const char *type, const char *title,
                   const char *field, const char *fmt, ...)
{
    va_list ap;
    p->status = status;
    p->type = type;
    p->title = title;
    snprintf(p->field, sizeof(p->field), "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(p->detail, sizeof(p->detail), fmt, ap);
    va_end(ap);
    /* yajl's parse errors span several lines and may quote bytes of a
     * malformed body: a detail is one line of valid UTF-8, so control bytes
     * become spaces and non-ASCII bytes '?'. */
    for (unsigned char *c = (unsigned char *)p->detail; *c; c++) {
        if (*c < 0x20 || *c == 0x7f)
            *c = ' ';
        else if (*c >= 0x80)
            *c = '?';
    }
    return -1;
}

void pv_problem_quote(const char *text, char *out, size_t outlen)
{
    size_t used = 0, max_chars = 64;
    size_t i;
    for (i = 0; i < max_chars && text[i] != '\0' && used + 5 < outlen; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
            used += (size_t)snprintf(out + used, outlen - used, "\\x%02x", c);
        else
            out[used++] = (char)c;
    }
    if (text[i] != '\0' && used + 4 < outlen) {
        memcpy(out + used, "...", 3);
        used += 3;
    }
    out[used < outlen ? used : outlen - 1] = '\0';
}
