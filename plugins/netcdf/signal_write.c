/*
 * Most columns go to libnetcdf as they are; short strings become rows of a
 * character array (string_var.c). A nullable number, bool or enum
 * is copied first so that its nulls hold the _FillValue; bytes become
 * nc_vlen_t descriptors pointing into the column.
 */
#include "signal_write.h"

#include "nc_error.h"
#include "signal_var.h"
#include "string_var.h"

#include <netcdf.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* An index outside the symbols would read back as another symbol or none: a source fault. */
static int check_enum(const nx_export *x, const nx_signal *s, const int32_t *index,
                      const uint8_t *valid, size_t count, char *err, size_t errlen)
{
    for (size_t i = 0; s->nsymbols > 0 && i < count; i++) {
        if ((valid == NULL || valid[i]) && (index[i] < 0 || (size_t)index[i] >= s->nsymbols)) {
            snprintf(err, errlen,
                     "channel \"%s\" signal \"%s\": sample %zu holds enum index %ld, "
                     "the signal has %zu symbols",
                     x->channel, s->name, x->length + i, (long)index[i], s->nsymbols);
            return PIVOT_EINVAL;
        }
    }
    return 0;
}

/* Bytes of a fixed-size signal must have that size, or none (a null or a missing field). */
static int check_fixed(const nx_export *x, const nx_signal *s, const pivot_bytes *v, size_t count,
                       char *err, size_t errlen)
{
    for (size_t i = 0; s->fixed_size > 0 && i < count; i++) {
        if (v[i].len != s->fixed_size && v[i].len != 0) {
            snprintf(err, errlen,
                     "channel \"%s\" signal \"%s\": sample %zu has %zu bytes, "
                     "the signal's fixed size is %zu",
                     x->channel, s->name, x->length + i, v[i].len, s->fixed_size);
            return PIVOT_EINVAL;
        }
    }
    return 0;
}

static size_t column_elem_size(pivot_type type)
{
    switch (type) {
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
        return 8;
    case PIVOT_TYPE_BOOL:
        return 1;
    default:
        return 4;
    }
}

/*
 * The column copied with the fill at its nulls. Enums are copied as int32
 * (libnetcdf narrows them to the variable's type), with -1 at nulls.
 */
static const void *with_fills(nx_export *x, const nx_signal *s, const void *data,
                              const uint8_t *valid, size_t count, char *err, size_t errlen)
{
    const size_t size = column_elem_size(s->type);
    unsigned char *copy, fill[8];

    if (count > SIZE_MAX / size) {
        snprintf(err, errlen, "channel \"%s\": batch of %zu samples too large", x->channel, count);
        return NULL;
    }
    copy = nx_scratch(x, count * size, err, errlen);
    if (copy == NULL)
        return NULL;
    memcpy(copy, data, count * size);
    if (s->type == PIVOT_TYPE_ENUM) {
        int32_t minus_one = -1;
        memcpy(fill, &minus_one, sizeof(minus_one));
    } else {
        nx_fill_value(s, fill);
    }
    for (size_t i = 0; i < count; i++)
        if (!valid[i])
            memcpy(copy + i * size, fill, size);
    return copy;
}

static int put_bytes(nx_export *x, const nx_signal *s, const size_t *start, const size_t *n,
                     const pivot_bytes *v, char *err, size_t errlen)
{
    nc_vlen_t *seq;
    int status;

    if (*n > SIZE_MAX / sizeof(*seq)) {
        snprintf(err, errlen, "channel \"%s\": batch of %zu samples too large", x->channel, *n);
        return PIVOT_ERANGE;
    }
    seq = nx_scratch(x, *n * sizeof(*seq), err, errlen);
    if (seq == NULL)
        return PIVOT_ENOMEM;
    for (size_t i = 0; i < *n; i++) {
        seq[i].len = v[i].len;
        /* libnetcdf only reads through p when writing. */
        seq[i].p = (void *)(uintptr_t)v[i].data;
    }
    status = nc_put_vara(x->group, s->var, start, n, seq);
    return status == NC_NOERR ? 0
                              : nx_fail(PIVOT_EIO, err, errlen, status, "nc_put_vara",
                                        "channel \"%s\" signal \"%s\"", x->channel, s->name);
}

static int put_mask(nx_export *x, const nx_signal *s, const size_t *start, const size_t *n,
                    const uint8_t *valid, char *err, size_t errlen)
{
    uint8_t *ones;
    int status;

    if (valid == NULL) {
        ones = nx_scratch(x, *n, err, errlen);
        if (ones == NULL)
            return PIVOT_ENOMEM;
        memset(ones, 1, *n);
        valid = ones;
    }
    status = nc_put_vara_uchar(x->group, s->valid_var, start, n, valid);
    return status == NC_NOERR
               ? 0
               : nx_fail(PIVOT_EIO, err, errlen, status, "nc_put_vara_uchar",
                         "channel \"%s\" variable \"%s\"", x->channel, s->valid_name);
}

int nx_signal_append(nx_export *x, nx_signal *s, const pivot_column *col, const uint8_t *valid,
                     size_t count, char *err, size_t errlen)
{
    const size_t start = x->length, n = count;
    const void *data = col->data;
    int status = NC_NOERR, rc = 0;
    const char *op = "nc_put_vara";

    if (s->type == PIVOT_TYPE_ENUM)
        rc = check_enum(x, s, data, valid, count, err, errlen);
    else if (s->type == PIVOT_TYPE_STRING)
        rc = nx_string_fit(x, s, data, count, err, errlen);
    else if (s->type == PIVOT_TYPE_BYTES)
        rc = check_fixed(x, s, data, count, err, errlen);
    if (rc != 0)
        goto out;
    if (s->type == PIVOT_TYPE_BYTES) {
        rc = put_bytes(x, s, &start, &n, data, err, errlen);
    } else if (s->xtype == NC_CHAR) {
        rc = nx_string_put_chars(x, s, start, data, count, err, errlen);
    } else if (s->type == PIVOT_TYPE_STRING) {
        op = "nc_put_vara_string";
        /* libnetcdf only reads the strings. */
        status = nc_put_vara_string(x->group, s->var, &start, &n, (const char **)(uintptr_t)data);
    } else {
        if (valid != NULL && s->nullable) {
            data = with_fills(x, s, data, valid, count, err, errlen);
            if (data == NULL) {
                rc = PIVOT_ENOMEM;
                goto out;
            }
        }
        /* Enums go through int, which libnetcdf narrows to the variable's type. */
        if (s->type == PIVOT_TYPE_ENUM) {
            op = "nc_put_vara_int";
            status = nc_put_vara_int(x->group, s->var, &start, &n, data);
        } else {
            status = nc_put_vara(x->group, s->var, &start, &n, data);
        }
    }
    if (status != NC_NOERR) {
        rc = nx_fail(PIVOT_EIO, err, errlen, status, op, "channel \"%s\" signal \"%s\"", x->channel,
                     s->name);
        goto out;
    }
    if (rc == 0 && s->nullable)
        rc = put_mask(x, s, &start, &n, valid, err, errlen);
out:
    return rc;
}
