/* gmtime_r and strdup are POSIX, beyond the C standard. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "csv_row.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int csv_put(csv_buf *b, const char *s, size_t len)
{
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + len)
            cap *= 2;
        char *grown = realloc(b->data, cap);
        if (grown == NULL)
            return PIVOT_ENOMEM;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, len);
    b->len += len;
    return 0;
}

int csv_put_field(csv_buf *b, const char *s)
{
    int rc = 0;
    if (s == NULL)
        return 0;
    if (strpbrk(s, ",\"\r\n") == NULL)
        return csv_put(b, s, strlen(s));
    rc = csv_put(b, "\"", 1);
    for (const char *p = s; rc == 0 && *p != '\0'; p++)
        rc = *p == '"' ? csv_put(b, "\"\"", 2) : csv_put(b, p, 1);
    return rc != 0 ? rc : csv_put(b, "\"", 1);
}

int csv_put_time(csv_buf *b, int64_t time_ns)
{
    char text[80];
    struct tm tm;
    /* Floor division, so that instants before 1970 keep a positive fraction. */
    int64_t secs = time_ns / 1000000000, frac = time_ns % 1000000000;
    if (frac < 0) {
        frac += 1000000000;
        secs -= 1;
    }
    time_t t = (time_t)secs;
    if (gmtime_r(&t, &tm) == NULL)
        return PIVOT_ERANGE;
    int n = snprintf(text, sizeof(text), "%" PRId64 ",%04d-%02d-%02dT%02d:%02d:%02d.%09" PRId64 "Z",
                     time_ns, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                     tm.tm_sec, frac);
    return csv_put(b, text, (size_t)n);
}

/* Bytes have no CSV form of their own: lower-case hex, two digits a byte. */
static int put_hex(csv_buf *b, const pivot_bytes *v)
{
    static const char digits[] = "0123456789abcdef";
    int rc = 0;

    for (size_t k = 0; rc == 0 && k < v->len; k++) {
        char pair[2] = {digits[v->data[k] >> 4], digits[v->data[k] & 15]};
        rc = csv_put(b, pair, 2);
    }
    return rc;
}

int csv_put_value(csv_buf *b, pivot_type type, const pivot_signal_detail *detail, const void *data,
                  size_t i)
{
    char text[64];
    int n = 0;

    switch (type) {
    case PIVOT_TYPE_INT32:
        n = snprintf(text, sizeof(text), "%" PRId32, ((const int32_t *)data)[i]);
        break;
    case PIVOT_TYPE_INT64:
        n = snprintf(text, sizeof(text), "%" PRId64, ((const int64_t *)data)[i]);
        break;
    case PIVOT_TYPE_FLOAT32:
        /* 9 significant digits give back the same float; 17 the same double. */
        n = snprintf(text, sizeof(text), "%.9g", (double)((const float *)data)[i]);
        break;
    case PIVOT_TYPE_FLOAT64:
        n = snprintf(text, sizeof(text), "%.17g", ((const double *)data)[i]);
        break;
    case PIVOT_TYPE_BOOL:
        n = snprintf(text, sizeof(text), "%s", ((const uint8_t *)data)[i] ? "true" : "false");
        break;
    case PIVOT_TYPE_STRING:
        return csv_put_field(b, ((const char *const *)data)[i]);
    case PIVOT_TYPE_ENUM: {
        /* The symbol when the source named them, else the index. */
        int32_t index = ((const int32_t *)data)[i];
        if (detail != NULL && detail->symbols != NULL && index >= 0 &&
            (size_t)index < detail->nsymbols)
            return csv_put_field(b, detail->symbols[index]);
        n = snprintf(text, sizeof(text), "%" PRId32, index);
        break;
    }
    case PIVOT_TYPE_BYTES:
        return put_hex(b, &((const pivot_bytes *)data)[i]);
    }
    return csv_put(b, text, (size_t)n);
}

void csv_buf_free(csv_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof(*b));
}
