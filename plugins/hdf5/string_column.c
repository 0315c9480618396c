/*
 * Short strings as character arrays (string_column.h). Why not the other
 * layouts HDF5 offers, measured on Debian 12 (docs/performance.md):
 * variable-length strings cost a 16-byte descriptor and a global heap
 * object (about 40 bytes for a 4-letter value) and xarray spends most of an
 * open decoding them; a 1-D fixed-length string dataset crashes netCDF-C
 * 4.9.0 (the netCDF4 engine reads it as pointers); an HDF5 enum or a
 * dictionary of codes with CF flag_values reach xarray as integers. A
 * netCDF character array is read as strings by both xarray engines and
 * MATLAB, and as rows of bytes by h5py.
 */
#include "string_column.h"

#include "attrs.h"
#include "h5_error.h"

#include <hdf5_hl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Widths rise by powers of two, so that values a little longer than the
 * first ones still fit a row. */
#define HX_STR_CHARS_MIN 8

/* netCDF-C and h5netcdf read a dimension scale of this NAME as a dimension without a variable. */
#define HX_NC_DIM_ONLY "This is a netCDF dimension but not a netCDF variable."

hid_t hx_str_char_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);

    /* One byte, NUL-padded: a full row has no terminator, which NULLTERM
     * would demand. ASCII as netCDF writes its chars; the bytes are UTF-8
     * as `_Encoding` says. */
    if (t >= 0 && (H5Tset_size(t, 1) < 0 || H5Tset_strpad(t, H5T_STR_NULLPAD) < 0)) {
        H5Tclose(t);
        t = H5I_INVALID_HID;
    }
    return t;
}

static void dim_name(size_t width, char *name, size_t len)
{
    snprintf(name, len, "string%zu", width);
}

size_t hx_str_width(const hx_export *x, const char *const *values, hsize_t count)
{
    size_t longest = 0, width = HX_STR_CHARS_MIN;
    char name[32];

    for (hsize_t i = 0; i < count && longest <= HX_STR_CHARS_MAX; i++) {
        size_t len = values[i] != NULL ? strnlen(values[i], HX_STR_CHARS_MAX + 1) : 0;

        if (len > longest)
            longest = len;
    }
    if (longest > HX_STR_CHARS_MAX)
        return 0;
    while (width < longest)
        width *= 2;
    dim_name(width, name, sizeof(name));
    for (size_t i = 0; i < x->nsignals; i++)
        if (strcmp(x->signals[i].name, name) == 0)
            return 0;
    return width;
}

/* The channel's dimension scale of `width` rows' length, opened or made. */
static hid_t width_dim(hx_export *x, size_t width, char *err, size_t errlen)
{
    const hsize_t size = width;
    char name[32], scale_name[96];
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dim = H5I_INVALID_HID;

    dim_name(width, name, sizeof(name));
    if (H5Lexists(x->group, name, H5P_DEFAULT) > 0) {
        dim = H5Dopen2(x->group, name, H5P_DEFAULT);
        if (dim < 0)
            hx_fail(0, err, errlen, "H5Dopen2", "channel \"%s\" dataset \"%s\"", x->channel, name);
        goto out;
    }
    /* Never written, so never allocated: a dimension, not data. */
    space = H5Screate_simple(1, &size, NULL);
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (space < 0 || dcpl < 0 || H5Pset_obj_track_times(dcpl, 0) < 0 ||
        H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0) {
        hx_fail(0, err, errlen, "H5Pcreate", "channel \"%s\" dataset \"%s\"", x->channel, name);
        goto out;
    }
    dim = H5Dcreate2(x->group, name, H5T_IEEE_F32LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    snprintf(scale_name, sizeof(scale_name), "%s%10zu", HX_NC_DIM_ONLY, width);
    if (dim < 0 || H5DSset_scale(dim, scale_name) < 0) {
        hx_fail(0, err, errlen, "H5DSset_scale", "channel \"%s\" dataset \"%s\"", x->channel, name);
        if (dim >= 0)
            H5Dclose(dim);
        dim = H5I_INVALID_HID;
    }
out:
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return dim;
}

int hx_str_chars_attach(hx_export *x, const hx_signal *s, const char *where, char *err,
                        size_t errlen)
{
    hid_t dim = H5I_INVALID_HID;
    int rc;

    rc = hx_attr_string(s->dset, x->str_type, "_Encoding", "utf-8", where, err, errlen);
    if (rc != 0)
        goto out;
    dim = width_dim(x, s->str_width, err, errlen);
    if (dim < 0) {
        rc = PIVOT_EIO;
        goto out;
    }
    if (H5DSattach_scale(s->dset, dim, 1) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5DSattach_scale", "%s", where);
out:
    if (dim >= 0)
        H5Dclose(dim);
    return rc;
}

/*
 * Packs the values into rows of s->str_width bytes at `rows`; 1 when one
 * is longer (nothing to write as characters), else 0. A NULL value (no
 * string) is an empty row, like "".
 */
static int pack_rows(const hx_signal *s, const char *const *values, hsize_t count, char *rows)
{
    const size_t width = s->str_width;

    for (hsize_t i = 0; i < count; i++) {
        const char *v = values[i] != NULL ? values[i] : "";
        size_t len = strnlen(v, width + 1);

        if (len > width)
            return 1;
        memcpy(rows + i * width, v, len);
        memset(rows + i * width + len, 0, width - len);
    }
    return 0;
}

/* Writes `count` packed rows at `start` of a character array, growing it. */
static int write_rows(hx_export *x, const hx_signal *s, hsize_t start, hsize_t count,
                      const char *rows, char *err, size_t errlen)
{
    const hsize_t extent[2] = {start + count, s->str_width}, offset[2] = {start, 0};
    const hsize_t shape[2] = {count, s->str_width};
    hid_t file_space = H5I_INVALID_HID, mem_space = H5I_INVALID_HID;
    int rc = 0;

    if (H5Dset_extent(s->dset, extent) < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Dset_extent", "channel \"%s\" dataset \"%s\"",
                     x->channel, s->name);
        goto out;
    }
    file_space = H5Dget_space(s->dset);
    mem_space = H5Screate_simple(2, shape, NULL);
    if (file_space < 0 || mem_space < 0 ||
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, offset, NULL, shape, NULL) < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Sselect_hyperslab", "channel \"%s\" dataset \"%s\"",
                     x->channel, s->name);
        goto out;
    }
    if (H5Dwrite(s->dset, s->mem_type, mem_space, file_space, H5P_DEFAULT, rows) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Dwrite", "channel \"%s\" dataset \"%s\"",
                     x->channel, s->name);
out:
    if (mem_space >= 0)
        H5Sclose(mem_space);
    if (file_space >= 0)
        H5Sclose(file_space);
    return rc;
}

/* Reads `count` rows at `start` of character array `chars` (rows of `width`). */
static int read_rows(hx_export *x, const hx_signal *s, hid_t chars, hid_t char_type, size_t width,
                     hsize_t start, hsize_t count, char *rows, char *err, size_t errlen)
{
    const hsize_t offset[2] = {start, 0}, shape[2] = {count, width};
    hid_t file_space = H5Dget_space(chars), mem_space = H5Screate_simple(2, shape, NULL);
    int rc = 0;

    if (file_space < 0 || mem_space < 0 ||
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, offset, NULL, shape, NULL) < 0 ||
        H5Dread(chars, char_type, mem_space, file_space, H5P_DEFAULT, rows) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Dread", "channel \"%s\" dataset \"%s\"", x->channel,
                     s->name);
    if (mem_space >= 0)
        H5Sclose(mem_space);
    if (file_space >= 0)
        H5Sclose(file_space);
    return rc;
}

/*
 * Copies `n` rows at `start` of character array `chars` into s's new
 * variable-length dataset: each row is spread out to width + 1 bytes to end
 * with a NUL, and pointed at.
 */
static int copy_slab(hx_export *x, const hx_signal *s, hid_t chars, hid_t char_type, size_t width,
                     hsize_t start, hsize_t n, char *err, size_t errlen)
{
    char **ptrs = hx_scratch(x, n * (sizeof(char *) + width + 1), err, errlen);
    hid_t mem_space = H5I_INVALID_HID;
    char *rows;
    int rc;

    if (ptrs == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    rows = (char *)(ptrs + n);
    rc = read_rows(x, s, chars, char_type, width, start, n, rows, err, errlen);
    if (rc != 0)
        goto out;
    /* From the last row down, so that no row is overwritten before it moves. */
    for (hsize_t i = n; i-- > 0;) {
        memmove(rows + i * (width + 1), rows + i * width, width);
        rows[i * (width + 1) + width] = '\0';
        ptrs[i] = rows + i * (width + 1);
    }
    mem_space = H5Screate_simple(1, &n, NULL);
    if (mem_space < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Screate_simple", "channel \"%s\" signal \"%s\"",
                     x->channel, s->name);
        goto out;
    }
    rc = hx_write_slab(s->dset, s->mem_type, mem_space, start, n, ptrs, x->channel, s->name, err,
                       errlen);
out:
    if (mem_space >= 0)
        H5Sclose(mem_space);
    return rc;
}

/* Copies the rows written so far of `chars` into s's new dataset, a chunk of rows at a time. */
static int copy_rows(hx_export *x, const hx_signal *s, hid_t chars, size_t width, char *err,
                     size_t errlen)
{
    const hsize_t step = s->chunk;
    hid_t char_type = hx_str_char_type();
    int rc = 0;

    if (char_type < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Tcopy", "channel \"%s\" signal \"%s\"", x->channel,
                     s->name);
        goto out;
    }
    for (hsize_t start = 0; rc == 0 && start < x->length; start += step)
        rc = copy_slab(x, s, chars, char_type, width, start,
                       x->length - start < step ? x->length - start : step, err, errlen);
out:
    if (char_type >= 0)
        H5Tclose(char_type);
    return rc;
}

/* Forgets character array `chars` of width `width`: detached from its scales, then unlinked. */
static int drop_chars(hx_export *x, const hx_signal *s, hid_t chars, size_t width, const char *link,
                      char *err, size_t errlen)
{
    char name[32];
    hid_t dim;
    int rc = 0;

    dim_name(width, name, sizeof(name));
    dim = H5Dopen2(x->group, name, H5P_DEFAULT);
    /* A reader would otherwise follow the scales' references to a dataset that is gone. */
    if (dim < 0 || H5DSdetach_scale(chars, x->time, 0) < 0 || H5DSdetach_scale(chars, dim, 1) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5DSdetach_scale", "channel \"%s\" signal \"%s\"",
                     x->channel, s->name);
    if (dim >= 0)
        H5Dclose(dim);
    H5Dclose(chars);
    if (rc == 0 && H5Ldelete(x->group, link, H5P_DEFAULT) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Ldelete", "channel \"%s\" signal \"%s\"",
                     x->channel, s->name);
    return rc;
}

/*
 * A value outgrew the rows: the signal becomes variable-length strings,
 * made under its name once the character array has moved aside, filled
 * with the rows so far, and the character array dropped.
 */
static int widen(hx_export *x, hx_signal *s, char *err, size_t errlen)
{
    static const char aside[] = ".pivot-string-rows";
    const size_t width = s->str_width;
    hid_t chars = s->dset;
    int rc = 0;

    if (H5Lmove(x->group, s->name, x->group, aside, H5P_DEFAULT, H5P_DEFAULT) < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Lmove", "channel \"%s\" signal \"%s\"", x->channel,
                     s->name);
        goto out;
    }
    s->dset = H5I_INVALID_HID;
    H5Tclose(s->mem_type);
    s->mem_type = H5I_INVALID_HID;
    rc = hx_string_signal_create(x, s, 0, err, errlen);
    if (rc == 0)
        rc = copy_rows(x, s, chars, width, err, errlen);
    if (rc == 0) {
        rc = drop_chars(x, s, chars, width, aside, err, errlen);
        chars = H5I_INVALID_HID;
    }
out:
    if (chars >= 0 && chars != s->dset)
        H5Dclose(chars);
    return rc;
}

int hx_str_append(hx_export *x, hx_signal *s, const char *const *values, hid_t mem_space,
                  hsize_t count, char *err, size_t errlen)
{
    char *rows;
    int rc = 0;

    if (s->str_width > 0) {
        if (count > SIZE_MAX / s->str_width) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": batch of %llu samples too large",
                     x->channel, s->name, (unsigned long long)count);
            rc = PIVOT_ERANGE;
            goto out;
        }
        rows = hx_scratch(x, count * s->str_width, err, errlen);
        if (rows == NULL) {
            rc = PIVOT_ENOMEM;
            goto out;
        }
        if (pack_rows(s, values, count, rows) == 0) {
            rc = write_rows(x, s, x->length, count, rows, err, errlen);
            goto out;
        }
        rc = widen(x, s, err, errlen);
        if (rc != 0)
            goto out;
    }
    rc = hx_write_slab(s->dset, s->mem_type, mem_space, x->length, count, values, x->channel,
                       s->name, err, errlen);
out:
    return rc;
}
