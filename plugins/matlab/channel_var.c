/*
 * Writes a channel's struct from its spools. libmatio writes whole
 * variables, so each field's elements are handed to it where they lie: the
 * spool mapped read-only (MAT_F_DONT_COPY_DATA), page cache rather than
 * heap. Cells (strings, bytes) need one matio variable per element, which
 * is what max_cells bounds.
 */
#include "mat_export.h"
#include "mat_values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static void class_of(pivot_type t, enum matio_classes *c, enum matio_types *d)
{
    switch (t) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_ENUM:
        *c = MAT_C_INT32;
        *d = MAT_T_INT32;
        break;
    case PIVOT_TYPE_INT64:
        *c = MAT_C_INT64;
        *d = MAT_T_INT64;
        break;
    case PIVOT_TYPE_FLOAT32:
        *c = MAT_C_SINGLE;
        *d = MAT_T_SINGLE;
        break;
    case PIVOT_TYPE_FLOAT64:
        *c = MAT_C_DOUBLE;
        *d = MAT_T_DOUBLE;
        break;
    default: /* bool, and the bytes of a bytes element */
        *c = MAT_C_UINT8;
        *d = MAT_T_UINT8;
        break;
    }
}

/* An Nx1 column over the mapped spool. */
static matvar_t *column_var(mx_field *f, pivot_type t, size_t n)
{
    size_t dims[2] = {n, 1};
    enum matio_classes c;
    enum matio_types d;
    int logical = f->role == MX_VALID || t == PIVOT_TYPE_BOOL;

    class_of(t, &c, &d);
    return Mat_VarCreate(NULL, c, d, 2, dims, f->data.map,
                         MAT_F_DONT_COPY_DATA | (logical ? MAT_F_LOGICAL : 0));
}

/* An Nx1 cell whose elements (1xlen char or uint8, 0x0 when empty) point
 * into the mapped spool. */
static matvar_t *cell_var(mx_field *f, size_t n)
{
    const uint32_t *lengths = f->lengths.map;
    const size_t unit = f->type == PIVOT_TYPE_STRING ? 2 : 1;
    matvar_t **cells = calloc(n > 0 ? n : 1, sizeof(*cells));
    char *at = f->data.map;
    size_t dims[2] = {n, 1}, i;
    matvar_t *v = NULL;

    if (cells == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        size_t edims[2] = {lengths[i] > 0 ? 1 : 0, lengths[i]};

        cells[i] = f->type == PIVOT_TYPE_STRING
                       ? Mat_VarCreate(NULL, MAT_C_CHAR, MAT_T_UTF16, 2, edims,
                                       lengths[i] > 0 ? at : NULL, MAT_F_DONT_COPY_DATA)
                       : Mat_VarCreate(NULL, MAT_C_UINT8, MAT_T_UINT8, 2, edims,
                                       lengths[i] > 0 ? at : NULL, MAT_F_DONT_COPY_DATA);
        if (cells[i] == NULL)
            goto out;
        at += (size_t)lengths[i] * unit;
    }
    v = Mat_VarCreate(NULL, MAT_C_CELL, MAT_T_CELL, 2, dims, n > 0 ? cells : NULL, 0);
out:
    if (v == NULL)
        for (size_t k = 0; k < n; k++)
            Mat_VarFree(cells[k]);
    free(cells);
    return v;
}

static matvar_t *field_var(mx_field *f, size_t n)
{
    switch (f->role) {
    case MX_TIME:
        return column_var(f, PIVOT_TYPE_FLOAT64, n);
    case MX_TIME_NS:
        return column_var(f, PIVOT_TYPE_INT64, n);
    case MX_VALID:
        return column_var(f, PIVOT_TYPE_BOOL, n);
    case MX_SYMBOLS:
        return mx_char_cell((const char *const *)f->symbols, f->nsymbols);
    case MX_VALUE:
        break;
    }
    if (f->type == PIVOT_TYPE_STRING || f->type == PIVOT_TYPE_BYTES)
        return cell_var(f, n);
    return column_var(f, f->type, n);
}

/* matio takes the field names of a struct as one NULL-terminated list. */
static int build(mx_channel *ch, matvar_t **out, char *err, size_t errlen)
{
    matvar_t **fields = calloc(ch->nfields + 1, sizeof(*fields));
    const char **names = calloc(ch->nfields + 1, sizeof(*names));
    int rc = 0;

    *out = NULL;
    if (fields == NULL || names == NULL)
        goto oom;
    for (size_t i = 0; i < ch->nfields; i++) {
        names[i] = ch->fields[i].name;
        fields[i] = field_var(&ch->fields[i], (size_t)ch->samples);
    }
    /* mx_struct frees the fields, also when one of them is missing. */
    *out = mx_struct(ch->var, names, fields, ch->nfields);
    if (*out == NULL)
        goto oom;
    goto out;
oom:
    snprintf(err, errlen, "channel \"%s\": out of memory building its variable of %llu samples",
             ch->source, (unsigned long long)ch->samples);
    rc = PIVOT_ENOMEM;
out:
    free(fields);
    free(names);
    return rc;
}

int mx_write_channel(mx_export *x, mx_channel *ch, char *err, size_t errlen)
{
    matvar_t *var = NULL;
    int rc = 0;
    enum matio_compression z = MAT_COMPRESSION_ZLIB;

    for (size_t i = 0; rc == 0 && i < ch->nfields; i++) {
        rc = mx_spool_map(&ch->fields[i].data, err, errlen);
        if (rc == 0)
            rc = mx_spool_map(&ch->fields[i].lengths, err, errlen);
    }
    if (rc == 0)
        rc = build(ch, &var, err, errlen);
    if (rc != 0)
        goto out;
    /* MAT 5 is deflated always, as MATLAB's default -v7 save, at no memory
     * cost; MAT 7.3 only when the job asked for compression. */
    if (x->version == MAT_FT_MAT73 && !x->compress73)
        z = MAT_COMPRESSION_NONE;
    mx_clear_message();
    if (Mat_VarWrite(x->mat, var, z) != 0) {
        snprintf(err, errlen, "file \"%s\": writing variable \"%s\" of channel \"%s\" failed%s%s",
                 file_name(x->path), ch->var, ch->source, mx_last_message()[0] ? ": " : "",
                 mx_last_message());
        rc = PIVOT_EIO;
    }
out:
    Mat_VarFree(var);
    mx_channel_drop_fields(ch);
    return rc;
}
