/*
 * Short strings as CF character arrays (string_var.h): a variable of
 * NC_CHAR along (time, <name>_strlen), each row a sample's UTF-8 bytes
 * padded with NUL, `_Encoding = "utf-8"`. netCDF4-python and xarray (both
 * engines) decode the rows to str, ncdump shows text, and a 4-letter label
 * costs 8 bytes a sample instead of NC_STRING's 16-byte descriptor and
 * global-heap object (about 40), which compression does not touch.
 *
 * The width is not fixed: `<name>_strlen` is an unlimited dimension of the
 * signal's own (netCDF-4 allows several), so that a later value longer
 * than the rows so far widens them instead of needing another variable,
 * which libnetcdf cannot delete. Chunks are 8 bytes wide and each batch
 * writes only the width its longest value needs: the chunks of wider
 * columns exist only for the rows near a long value, and every row left
 * unwritten there reads as the fill, NUL, i.e. padding. A shared strlenN
 * dimension would widen every signal on it at once.
 *
 * Widening stops at NX_STRING_WIDEN_MAX bytes: a value of W bytes makes
 * W / 8 chunks of a whole band of rows (128 KiB each uncompressed), and a
 * reader gets every row as wide as the widest. A longer value makes the
 * signal NC_STRING under its name after all: the character array is
 * renamed `<name>_rows` (libnetcdf cannot delete it), says so in its
 * attributes, and the rows written so far are copied into the new
 * variable, which holds every value.
 *
 * The layout is chosen from the first batch, so the variable is defined
 * then (or at the channel's end when it has no samples, as NC_STRING):
 * values over NX_STRING_CHARS_MAX bytes are free text, which rows as wide
 * as its longest value would waste, and stay NC_STRING.
 */
#include "string_var.h"

#include "attrs.h"
#include "nc_error.h"
#include "signal_var.h"

#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STRLEN_SUFFIX "_strlen"
/* The character array's name once a value too long for it made the signal NC_STRING. */
#define ROWS_SUFFIX "_rows"
/* The rows of one nc_put_vara_text call: a few MiB, however wide the rows. */
#define SLAB_BYTES (4u * 1024 * 1024)

static char *copy_text(const char *text, int *failed)
{
    char *copy = text != NULL ? strdup(text) : NULL;

    if (text != NULL && copy == NULL)
        *failed = 1;
    return copy;
}

int nx_string_defer(nx_signal *s, const pivot_signal_detail *d)
{
    int failed = 0;

    s->deferred = 1;
    s->units = copy_text(d->units, &failed);
    s->doc = copy_text(d->doc, &failed);
    s->source_type = copy_text(d->source_type, &failed);
    return failed ? PIVOT_ENOMEM : 0;
}

/* True when `name` is a variable of the channel: a signal or a mask. */
static int taken(const nx_export *x, const char *name)
{
    for (size_t i = 0; i < x->nsignals; i++) {
        const nx_signal *o = &x->signals[i];

        if (strcmp(o->name, name) == 0 || (o->valid_name && strcmp(o->valid_name, name) == 0))
            return 1;
    }
    return 0;
}

/*
 * The dimension's name, or 0 when it would be too long or name another
 * variable of the group, and so would the name the rows would take if they
 * had to step aside (nx_string_fit).
 */
static int strlen_name(const nx_export *x, const nx_signal *s, char *name, size_t len)
{
    char rows[NC_MAX_NAME + 1];

    if ((size_t)snprintf(name, len, "%s%s", s->name, STRLEN_SUFFIX) >= len ||
        (size_t)snprintf(rows, sizeof(rows), "%s%s", s->name, ROWS_SUFFIX) >= sizeof(rows))
        return 0;
    return !taken(x, name) && !taken(x, rows);
}

/* Bytes of the longest of count values, or limit + 1 once one is longer than limit. */
static size_t longest(const char *const *values, size_t count, size_t limit)
{
    size_t most = 0;

    for (size_t i = 0; i < count && most <= limit; i++) {
        size_t len = values[i] != NULL ? strnlen(values[i], limit + 1) : 0;

        if (len > most)
            most = len;
    }
    return most;
}

/* The width of rows holding `len` bytes: whole chunks, at least one. */
static size_t row_width(size_t len)
{
    return len == 0 ? NX_STRLEN_CHUNK
                    : (len + NX_STRLEN_CHUNK - 1) / NX_STRLEN_CHUNK * NX_STRLEN_CHUNK;
}

/* The signal's own unlimited dimension, when its first values are short and the name is free. */
static int choose_layout(nx_export *x, nx_signal *s, const pivot_column *col, size_t count,
                         char *err, size_t errlen)
{
    char name[NC_MAX_NAME + 1];
    int status;

    s->strlen_dim = -1;
    if (col == NULL || longest(col->data, count, NX_STRING_CHARS_MAX) > NX_STRING_CHARS_MAX ||
        !strlen_name(x, s, name, sizeof(name)))
        return 0;
    status = nc_def_dim(x->group, name, NC_UNLIMITED, &s->strlen_dim);
    if (status != NC_NOERR) {
        s->strlen_dim = -1;
        return nx_fail(PIVOT_EIO, err, errlen, status, "nc_def_dim",
                       "channel \"%s\" signal \"%s\" dimension \"%s\"", x->channel, s->name, name);
    }
    return 0;
}

/* The detail kept by nx_string_defer. */
static void kept_detail(const nx_signal *s, pivot_signal_detail *d)
{
    memset(d, 0, sizeof(*d));
    d->size = sizeof(*d);
    d->nullable = s->nullable;
    d->units = s->units;
    d->doc = s->doc;
    d->source_type = s->source_type;
}

static int define_one(nx_export *x, nx_signal *s, const pivot_column *col, size_t count, char *err,
                      size_t errlen)
{
    pivot_signal_detail d;
    size_t chunks[2] = {0, 0};
    int status, rc;

    kept_detail(s, &d);
    rc = choose_layout(x, s, col, count, err, errlen);
    if (rc == 0)
        rc = nx_signal_define(x, s, x->time_dim, &d, err, errlen);
    if (rc == 0 && s->xtype == NC_CHAR) {
        status = nc_inq_var_chunking(x->group, s->var, NULL, chunks);
        if (status != NC_NOERR)
            rc = nx_fail(PIVOT_EIO, err, errlen, status, "nc_inq_var_chunking",
                         "channel \"%s\" signal \"%s\"", x->channel, s->name);
        s->chunk_rows = chunks[0];
    }
    return rc;
}

int nx_strings_define(nx_export *x, const pivot_batch *batch, char *err, size_t errlen)
{
    int status, defined = 0, rc = 0;

    for (size_t i = 0; rc == 0 && i < x->nsignals; i++) {
        nx_signal *s = &x->signals[i];

        if (!s->deferred)
            continue;
        rc = define_one(x, s, batch != NULL ? &batch->columns[i] : NULL,
                        batch != NULL ? batch->count : 0, err, errlen);
        defined = 1;
    }
    if (rc != 0 || !defined)
        goto out;
    /* The datasets are made now, with the fills defined above. */
    status = nc_enddef(x->ncid);
    if (status != NC_NOERR) {
        rc = nx_fail(PIVOT_EIO, err, errlen, status, "nc_enddef", "channel \"%s\"", x->channel);
        goto out;
    }
    for (size_t i = 0; rc == 0 && i < x->nsignals; i++) {
        if (!x->signals[i].deferred)
            continue;
        x->signals[i].deferred = 0;
        rc = nx_signal_drop_fill(x, &x->signals[i], err, errlen);
    }
out:
    return rc;
}

/* Rows of `width` bytes, each value NUL-padded (NULL as ""). */
static void fill_rows(char *rows, size_t width, const char *const *values, size_t count)
{
    memset(rows, 0, count * width);
    for (size_t i = 0; i < count; i++)
        if (values[i] != NULL)
            memcpy(rows + i * width, values[i], strnlen(values[i], width));
}

/* Wider rows span more chunks: the cache holds a band of them, as it held one before. */
static int widen(nx_export *x, nx_signal *s, size_t width, char *err, size_t errlen)
{
    const size_t bytes = s->chunk_rows * width + 1024;
    int status = nc_set_var_chunk_cache(x->group, s->var, bytes, 7, 1.0f);

    s->width = width;
    return status == NC_NOERR ? 0
                              : nx_fail(PIVOT_EIO, err, errlen, status, "nc_set_var_chunk_cache",
                                        "channel \"%s\" signal \"%s\"", x->channel, s->name);
}

int nx_string_put_chars(nx_export *x, nx_signal *s, size_t start, const char *const *values,
                        size_t count, char *err, size_t errlen)
{
    /* nx_string_fit made the signal NC_STRING before a longer value. */
    const size_t width = row_width(longest(values, count, NX_STRING_WIDEN_MAX));
    const size_t slab = SLAB_BYTES / width > 0 ? SLAB_BYTES / width : 1;
    int status, rc = 0;
    char *rows;

    if (width > s->width)
        rc = widen(x, s, width, err, errlen);
    for (size_t done = 0; rc == 0 && done < count; done += slab) {
        const size_t n = count - done < slab ? count - done : slab;
        const size_t at[2] = {start + done, 0}, edge[2] = {n, width};

        rows = nx_scratch(x, n * width, err, errlen);
        if (rows == NULL) {
            rc = PIVOT_ENOMEM;
            break;
        }
        fill_rows(rows, width, values + done, n);
        status = nc_put_vara_text(x->group, s->var, at, edge, rows);
        if (status != NC_NOERR)
            rc = nx_fail(PIVOT_EIO, err, errlen, status, "nc_put_vara_text",
                         "channel \"%s\" signal \"%s\"", x->channel, s->name);
    }
    return rc;
}

/* The rows [0, x->length) of the character array `rows_var`, as strings into s's variable. */
static int copy_rows(nx_export *x, nx_signal *s, int rows_var, char *err, size_t errlen)
{
    const size_t width = s->width, slab = SLAB_BYTES / (width + 1 + sizeof(char *)) + 1;
    int status = NC_NOERR;
    const char *op = "nc_get_vara_text";

    for (size_t done = 0; status == NC_NOERR && done < x->length; done += slab) {
        const size_t n = x->length - done < slab ? x->length - done : slab;
        const size_t at[2] = {done, 0}, edge[2] = {n, width};
        char *text, **values;

        /* Pointers first, then the rows, each moved (from the last) to its own
         * NUL-terminated place. */
        values = nx_scratch(x, n * (sizeof(char *) + width + 1), err, errlen);
        if (values == NULL)
            return PIVOT_ENOMEM;
        text = (char *)(values + n);
        op = "nc_get_vara_text";
        status = nc_get_vara_text(x->group, rows_var, at, edge, text);
        for (size_t i = n; status == NC_NOERR && i-- > 0;) {
            memmove(text + i * (width + 1), text + i * width, width);
            text[i * (width + 1) + width] = '\0';
            values[i] = text + i * (width + 1);
        }
        if (status == NC_NOERR) {
            op = "nc_put_vara_string";
            status = nc_put_vara_string(x->group, s->var, at, edge, (const char **)values);
        }
    }
    return status == NC_NOERR
               ? 0
               : nx_fail(PIVOT_EIO, err, errlen, status, op,
                         "channel \"%s\" signal \"%s\": copying its rows", x->channel, s->name);
}

/* The character array steps aside under `<name>_rows`, saying where its values went. */
static int retire_rows(nx_export *x, const nx_signal *s, int *rows_var, char *err, size_t errlen)
{
    char name[NC_MAX_NAME + 1], note[2 * NC_MAX_NAME + 160];
    int status;

    *rows_var = s->var;
    if ((size_t)snprintf(name, sizeof(name), "%s%s", s->name, ROWS_SUFFIX) >= sizeof(name)) {
        snprintf(err, errlen, "channel \"%s\" signal \"%s\": name too long to rename its rows",
                 x->channel, s->name);
        return PIVOT_EINVAL;
    }
    status = nc_rename_var(x->group, s->var, name);
    /* The mask belongs to the new variable. */
    if (status == NC_NOERR && s->nullable)
        status = nc_del_att(x->group, s->var, "ancillary_variables");
    if (status != NC_NOERR)
        return nx_fail(PIVOT_EIO, err, errlen, status, "nc_rename_var",
                       "channel \"%s\" signal \"%s\" as \"%s\"", x->channel, s->name, name);
    snprintf(note, sizeof(note),
             "the first %zu samples of %s as character rows, before a longer value made it "
             "variable-length; %s holds every sample",
             x->length, s->name, s->name);
    return nx_attr_text(x->group, *rows_var, "comment", note, name, err, errlen);
}

int nx_string_fit(nx_export *x, nx_signal *s, const char *const *values, size_t count, char *err,
                  size_t errlen)
{
    pivot_signal_detail d;
    int rows_var = -1, status, rc = 0;

    if (s->xtype != NC_CHAR || longest(values, count, NX_STRING_WIDEN_MAX) <= NX_STRING_WIDEN_MAX)
        return 0;
    rc = retire_rows(x, s, &rows_var, err, errlen);
    if (rc != 0)
        goto out;
    kept_detail(s, &d);
    s->strlen_dim = -1;
    rc = nx_signal_define(x, s, x->time_dim, &d, err, errlen);
    if (rc != 0)
        goto out;
    /* Made now with its NULL fill, which then goes, as in nx_strings_define. */
    status = nc_enddef(x->ncid);
    if (status != NC_NOERR) {
        rc = nx_fail(PIVOT_EIO, err, errlen, status, "nc_enddef", "channel \"%s\"", x->channel);
        goto out;
    }
    rc = nx_signal_drop_fill(x, s, err, errlen);
    if (rc == 0)
        rc = copy_rows(x, s, rows_var, err, errlen);
out:
    return rc;
}
