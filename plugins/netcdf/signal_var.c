/*
 * Choosing the netCDF type and CF attributes of each signal. Numbers keep
 * their own type. CF has no boolean or enumeration: bool is a byte with
 * flag_values 0 1 ("false true"), an enum the smallest integer holding its
 * indices with flag_values 0..n-1 and its symbols as flag_meanings, which
 * CF-aware tools (xarray's cf accessors, ncview, Panoply) show by name.
 * Short strings are CF character arrays (string_var.c), long free text
 * NC_STRING; bytes a variable-length uint8 type defined once at the root,
 * which netCDF4-python and xarray read as one array per sample.
 *
 * A nullable signal gets both a _FillValue at its nulls (so that xarray
 * masks them as NaN) and a `<name>_valid` mask, which is authoritative: an
 * integer sample may hold the fill legitimately. Strings and bytes get the
 * mask only, since "" and no bytes are genuine values too.
 */
#include "signal_var.h"

#include "attrs.h"
#include "nc_error.h"

#include <math.h>
#include <netcdf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The symbols can be flag_meanings only when there are some, each one blank-free word. */
static int has_symbols(const pivot_signal_detail *d)
{
    int ok = d->symbols != NULL && d->nsymbols > 0 && d->nsymbols <= (size_t)INT32_MAX + 1;

    for (size_t i = 0; ok && i < d->nsymbols; i++)
        ok = d->symbols[i] != NULL && d->symbols[i][0] != '\0' &&
             strpbrk(d->symbols[i], " \t\r\n") == NULL;
    return ok;
}

/* The smallest signed integer that holds every index and -1, the fill. */
static int enum_xtype(size_t nsymbols)
{
    if (nsymbols <= (size_t)INT8_MAX + 1)
        return NC_BYTE;
    if (nsymbols <= (size_t)INT16_MAX + 1)
        return NC_SHORT;
    return NC_INT;
}

static int plain_xtype(pivot_type type)
{
    switch (type) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_ENUM:
        return NC_INT;
    case PIVOT_TYPE_INT64:
        return NC_INT64;
    case PIVOT_TYPE_FLOAT32:
        return NC_FLOAT;
    case PIVOT_TYPE_FLOAT64:
        return NC_DOUBLE;
    case PIVOT_TYPE_BOOL:
        return NC_BYTE;
    case PIVOT_TYPE_STRING:
        return NC_STRING;
    case PIVOT_TYPE_BYTES:
        break;
    }
    return NC_NAT;
}

int nx_fill_value(const nx_signal *s, void *out)
{
    switch (s->type) {
    case PIVOT_TYPE_INT32:
        *(int32_t *)out = NC_FILL_INT;
        return 1;
    case PIVOT_TYPE_INT64:
        *(int64_t *)out = NC_FILL_INT64;
        return 1;
    case PIVOT_TYPE_FLOAT32:
        *(float *)out = NAN;
        return 1;
    case PIVOT_TYPE_FLOAT64:
        *(double *)out = NAN;
        return 1;
    case PIVOT_TYPE_BOOL:
        *(int8_t *)out = -1;
        return 1;
    case PIVOT_TYPE_ENUM:
        /* In the variable's type, which may be narrower than the column's. */
        if (s->xtype == NC_BYTE)
            *(int8_t *)out = -1;
        else if (s->xtype == NC_SHORT)
            *(int16_t *)out = -1;
        else
            *(int32_t *)out = -1;
        return 1;
    case PIVOT_TYPE_STRING:
    case PIVOT_TYPE_BYTES:
        break;
    }
    return 0;
}

/* Elements of the variable's type as libnetcdf lays them out in memory. */
static size_t elem_size(const nx_export *x, int xtype)
{
    size_t size = 0;

    return nc_inq_type(x->ncid, xtype, NULL, &size) == NC_NOERR ? size : 8;
}

/* flag_values 0..n-1 in the variable's type and the symbols as flag_meanings. */
static int enum_flags(nx_export *x, const nx_signal *s, const pivot_signal_detail *d,
                      const char *where, char *err, size_t errlen)
{
    size_t size = elem_size(x, s->xtype), text_len = 1;
    unsigned char *values = NULL;
    char *meanings = NULL;
    int rc = 0;

    for (size_t i = 0; i < d->nsymbols; i++)
        text_len += strlen(d->symbols[i]) + 1;
    values = malloc(d->nsymbols * size);
    meanings = malloc(text_len);
    if (values == NULL || meanings == NULL) {
        snprintf(err, errlen, "%s: out of memory for %zu symbols", where, d->nsymbols);
        rc = PIVOT_ENOMEM;
        goto out;
    }
    meanings[0] = '\0';
    for (size_t i = 0; i < d->nsymbols; i++) {
        int8_t i8 = (int8_t)i;
        int16_t i16 = (int16_t)i;
        int32_t i32 = (int32_t)i;

        memcpy(values + i * size, size == 1 ? (void *)&i8 : size == 2 ? (void *)&i16 : &i32, size);
        if (i > 0)
            strcat(meanings, " ");
        strcat(meanings, d->symbols[i]);
    }
    rc = nx_attr_values(x->group, s->var, "flag_values", s->xtype, d->nsymbols, values, where, err,
                        errlen);
    if (rc == 0)
        rc = nx_attr_text(x->group, s->var, "flag_meanings", meanings, where, err, errlen);
out:
    free(values);
    free(meanings);
    return rc;
}

/* The root's variable-length uint8 type, defined at the first bytes signal. */
static int bytes_type(nx_export *x, char *err, size_t errlen)
{
    int status;

    if (x->bytes_type >= 0)
        return 0;
    status = nc_def_vlen(x->ncid, "pivot_bytes", NC_UBYTE, &x->bytes_type);
    if (status != NC_NOERR) {
        x->bytes_type = -1;
        return nx_fail(PIVOT_EIO, err, errlen, status, "nc_def_vlen", "file root type \"%s\"",
                       "pivot_bytes");
    }
    return 0;
}

static int choose_type(nx_export *x, nx_signal *s, const pivot_signal_detail *d, char *err,
                       size_t errlen)
{
    int rc = 0;

    if (s->type == PIVOT_TYPE_ENUM && has_symbols(d)) {
        s->xtype = enum_xtype(d->nsymbols);
        s->nsymbols = d->nsymbols;
    } else if (s->type == PIVOT_TYPE_BYTES) {
        rc = bytes_type(x, err, errlen);
        s->xtype = x->bytes_type;
    } else if (s->type == PIVOT_TYPE_STRING && s->strlen_dim >= 0) {
        s->xtype = NC_CHAR;
    } else {
        s->xtype = plain_xtype(s->type);
    }
    return rc;
}

/* The attributes of a signal's variable beyond its flags. */
static int describe(nx_export *x, const nx_signal *s, const pivot_signal_detail *d,
                    const char *where, char *err, size_t errlen)
{
    const struct {
        const char *name;
        const char *value;
    } texts[] = {
        {"units", d->units},
        {"long_name", d->doc},
        {"pivot_type", pivot_type_name(s->type)},
        {"avro_type", d->source_type},
        {"ancillary_variables", s->valid_name},
        /* netCDF4-python and xarray (both engines) decode the rows to str by it. */
        {"_Encoding", s->xtype == NC_CHAR ? "utf-8" : NULL},
    };
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < sizeof(texts) / sizeof(texts[0]); i++)
        if (texts[i].value != NULL)
            rc = nx_attr_text(x->group, s->var, texts[i].name, texts[i].value, where, err, errlen);
    if (rc == 0 && s->fixed_size > 0)
        rc = nx_attr_uint64(x->group, s->var, "fixed_size", s->fixed_size, where, err, errlen);
    return rc;
}

static int define_mask(nx_export *x, nx_signal *s, int dim, char *err, size_t errlen)
{
    static const uint8_t flag_values[] = {0, 1};
    char where[320];
    int status, rc;

    snprintf(where, sizeof(where), "channel \"%s\" variable \"%s\"", x->channel, s->valid_name);
    status = nc_def_var(x->group, s->valid_name, NC_UBYTE, 1, &dim, &s->valid_var);
    if (status != NC_NOERR) {
        rc = nx_fail(PIVOT_EIO, err, errlen, status, "nc_def_var", "%s", where);
        goto out;
    }
    rc = nx_var_storage(x, s->valid_var, s->valid_name, 1, 0, 1, err, errlen);
    if (rc == 0)
        rc = nx_attr_values(x->group, s->valid_var, "flag_values", NC_UBYTE, 2, flag_values, where,
                            err, errlen);
    if (rc == 0)
        rc =
            nx_attr_text(x->group, s->valid_var, "flag_meanings", "null valid", where, err, errlen);
    if (rc == 0)
        rc = nx_attr_text(x->group, s->valid_var, "long_name", "1 where the sample has a value",
                          where, err, errlen);
out:
    return rc;
}

/*
 * The fill of a nullable signal, or no fill at all: every element gets
 * written. libnetcdf refuses "no fill" for strings and would give each new
 * element the fill "", a global-heap object HDF5 allocates when a chunk is
 * made and frees again when the sample overwrites it: that made strings
 * about twelve times slower to write than with the hdf5 exporter. A NULL
 * fill is no object at all; nx_signal_drop_fill then deletes the attribute
 * once the dataset exists, so that readers do not take "" for a null.
 * Bytes (a vlen type) have a NULL fill by default.
 */
static int define_fill(nx_export *x, const nx_signal *s, const char *where, char *err,
                       size_t errlen)
{
    int64_t fill = 0; /* eight bytes, enough for any fill */
    const char *no_string = NULL;
    int status = NC_NOERR;

    if (s->xtype == NC_STRING)
        status = nc_def_var_fill(x->group, s->var, NC_FILL, &no_string);
    else if (s->xtype == NC_CHAR)
        /* The default fill, NUL: rows a narrower batch leaves unwritten
         * (when the signal has widened) must read as padding. */
        status = nc_def_var_fill(x->group, s->var, NC_FILL, NULL);
    else if (s->nullable && nx_fill_value(s, &fill))
        status = nc_def_var_fill(x->group, s->var, NC_FILL, &fill);
    else if (s->type != PIVOT_TYPE_BYTES)
        status = nc_def_var_fill(x->group, s->var, NC_NOFILL, NULL);
    return status == NC_NOERR
               ? 0
               : nx_fail(PIVOT_EIO, err, errlen, status, "nc_def_var_fill", "%s", where);
}

int nx_signal_drop_fill(nx_export *x, const nx_signal *s, char *err, size_t errlen)
{
    int status = NC_NOERR;

    if (s->var >= 0 && s->xtype == NC_STRING)
        status = nc_del_att(x->group, s->var, "_FillValue");
    return status == NC_NOERR ? 0
                              : nx_fail(PIVOT_EIO, err, errlen, status, "nc_del_att",
                                        "channel \"%s\" signal \"%s\" attribute \"_FillValue\"",
                                        x->channel, s->name);
}

int nx_signal_define(nx_export *x, nx_signal *s, int dim, const pivot_signal_detail *d, char *err,
                     size_t errlen)
{
    static const int8_t bool_flags[] = {0, 1};
    const int dims[2] = {dim, s->strlen_dim};
    char where[320];
    int status, ndims, rc;

    snprintf(where, sizeof(where), "channel \"%s\" signal \"%s\"", x->channel, s->name);
    rc = choose_type(x, s, d, err, errlen);
    if (rc != 0)
        goto out;
    ndims = s->xtype == NC_CHAR ? 2 : 1;
    status = nc_def_var(x->group, s->name, s->xtype, ndims, dims, &s->var);
    if (status != NC_NOERR) {
        rc = nx_fail(status == NC_EBADNAME ? PIVOT_EINVAL : PIVOT_EIO, err, errlen, status,
                     "nc_def_var", "%s", where);
        goto out;
    }
    rc =
        nx_var_storage(x, s->var, s->name, elem_size(x, s->xtype), ndims == 2 ? NX_STRLEN_CHUNK : 0,
                       s->xtype != NC_STRING && s->type != PIVOT_TYPE_BYTES, err, errlen);
    if (rc == 0)
        rc = define_fill(x, s, where, err, errlen);
    if (rc == 0)
        rc = describe(x, s, d, where, err, errlen);
    if (rc == 0 && s->type == PIVOT_TYPE_BOOL) {
        rc = nx_attr_values(x->group, s->var, "flag_values", NC_BYTE, 2, bool_flags, where, err,
                            errlen);
        if (rc == 0)
            rc = nx_attr_text(x->group, s->var, "flag_meanings", "false true", where, err, errlen);
    }
    if (rc == 0 && s->nsymbols > 0)
        rc = enum_flags(x, s, d, where, err, errlen);
    /* A signal defined again (string_var.c's fallback) keeps its mask. */
    if (rc == 0 && s->nullable && s->valid_var < 0)
        rc = define_mask(x, s, dim, err, errlen);
out:
    return rc;
}
