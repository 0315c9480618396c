/* CSV fields and values; see csv_text.h. */
#include "csv_text.h"

#include <inttypes.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int csv_put(csv_buf *b, const char *s, size_t len)
{
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        char *grown;

        while (cap < b->len + len)
            cap *= 2;
        grown = realloc(b->data, cap);
        if (grown == NULL)
            return PIVOT_ENOMEM;
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, len);
    b->len += len;
    return 0;
}

int csv_put_field(csv_buf *b, const csv_style *style, const char *s)
{
    const char specials[] = {style->delimiter, '"', '\r', '\n', '\0'};
    const char *p, *quote;
    int rc;

    if (strpbrk(s, specials) == NULL)
        return csv_put(b, s, strlen(s));
    rc = csv_put(b, "\"", 1);
    /* Each quote doubled, the rest copied in runs. */
    for (p = s; rc == 0 && (quote = strchr(p, '"')) != NULL; p = quote + 1)
        rc = csv_put(b, p, (size_t)(quote + 1 - p)) || csv_put(b, "\"", 1) ? PIVOT_ENOMEM : 0;
    if (rc == 0)
        rc = csv_put(b, p, strlen(p));
    return rc != 0 ? rc : csv_put(b, "\"", 1);
}

int csv_put_time(csv_buf *b, const csv_style *style, int64_t time_ns)
{
    char iso[PIVOT_RFC3339_SIZE], text[PIVOT_RFC3339_SIZE + 32];
    int n;

    if (pivot_rfc3339_format(time_ns, iso, sizeof(iso)) != 0)
        return PIVOT_ERANGE;
    n = snprintf(text, sizeof(text), "%" PRId64 "%c%s", time_ns, style->delimiter, iso);
    return csv_put(b, text, (size_t)n);
}

/*
 * The shortest of 15..17 significant digits (6..9 for a float) that reads
 * back to the same value: what a reader shows is then what was measured,
 * not 0.10000000000000001.
 */
static int format_real(char *text, size_t len, double v, int is_float, int precision)
{
    int n = 0;

    if (precision != CSV_PRECISION_SHORTEST)
        return snprintf(text, len, "%.*g", precision, v);
    for (int digits = is_float ? 6 : 15; digits <= (is_float ? 9 : 17); digits++) {
        n = snprintf(text, len, "%.*g", digits, v);
        if (is_float ? strtof(text, NULL) == (float)v : strtod(text, NULL) == v)
            break;
    }
    /* NaN never equals itself: the last try stands, "nan". */
    return n;
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

int csv_put_value(csv_buf *b, const csv_style *style, pivot_type type,
                  const pivot_signal_detail *detail, const void *data, size_t i)
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
        n = format_real(text, sizeof(text), ((const float *)data)[i], 1, style->precision);
        break;
    case PIVOT_TYPE_FLOAT64:
        n = format_real(text, sizeof(text), ((const double *)data)[i], 0, style->precision);
        break;
    case PIVOT_TYPE_BOOL:
        n = snprintf(text, sizeof(text), "%s", ((const uint8_t *)data)[i] ? "true" : "false");
        break;
    case PIVOT_TYPE_STRING:
        return csv_put_field(b, style, ((const char *const *)data)[i]);
    case PIVOT_TYPE_ENUM: {
        int32_t index = ((const int32_t *)data)[i];

        if (detail->symbols != NULL && index >= 0 && (size_t)index < detail->nsymbols &&
            detail->symbols[index] != NULL)
            return csv_put_field(b, style, detail->symbols[index]);
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
