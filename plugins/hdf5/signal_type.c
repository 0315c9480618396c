/*
 * Choosing HDF5 types for signals. Numbers are stored little-endian whatever
 * the machine; enums as HDF5 enums, so that readers get the symbols with the
 * data; bytes as sequences of uint8, or as an opaque type when every element
 * has the same length.
 */
#include "signal_type.h"

#include "h5_error.h"

#include <stdint.h>
#include <string.h>

/*
 * The file type of a number, bool or string signal and the type of its
 * column (enums without symbols are plain int32); bytes are built by
 * hx_signal_types.
 */
static void plain_types(const hx_export *x, pivot_type type, hid_t *file_type, hid_t *mem_type)
{
    switch (type) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_ENUM:
        *file_type = H5T_STD_I32LE;
        *mem_type = H5T_NATIVE_INT32;
        break;
    case PIVOT_TYPE_INT64:
        *file_type = H5T_STD_I64LE;
        *mem_type = H5T_NATIVE_INT64;
        break;
    case PIVOT_TYPE_FLOAT32:
        *file_type = H5T_IEEE_F32LE;
        *mem_type = H5T_NATIVE_FLOAT;
        break;
    case PIVOT_TYPE_FLOAT64:
        *file_type = H5T_IEEE_F64LE;
        *mem_type = H5T_NATIVE_DOUBLE;
        break;
    case PIVOT_TYPE_BOOL:
        *file_type = H5T_STD_U8LE;
        *mem_type = H5T_NATIVE_UINT8;
        break;
    case PIVOT_TYPE_STRING:
        *file_type = *mem_type = x->str_type;
        break;
    case PIVOT_TYPE_BYTES:
        *file_type = *mem_type = H5I_INVALID_HID;
        break;
    }
}

/* The symbols make an HDF5 enum only when there are some, each named. */
static int has_symbols(const pivot_signal_detail *d)
{
    int ok = d->symbols != NULL && d->nsymbols > 0 && d->nsymbols <= (size_t)INT32_MAX + 1;

    for (size_t i = 0; ok && i < d->nsymbols; i++)
        ok = d->symbols[i] != NULL;
    return ok;
}

/*
 * The smallest signed integer holding every index 0..nsymbols-1: an Avro
 * enum rarely has more than a few dozen symbols, so the file usually stores
 * one byte a sample where the column has four.
 */
size_t hx_enum_bytes(size_t nsymbols)
{
    if (nsymbols <= (size_t)INT8_MAX + 1)
        return 1;
    if (nsymbols <= (size_t)INT16_MAX + 1)
        return 2;
    return 4;
}

static hid_t enum_base(size_t nsymbols)
{
    switch (hx_enum_bytes(nsymbols)) {
    case 1:
        return H5T_STD_I8LE;
    case 2:
        return H5T_STD_I16LE;
    default:
        return H5T_STD_I32LE;
    }
}

/* An enum over base whose member symbols[i] has the value i. */
static hid_t enum_type(const hx_export *x, const hx_signal *s, hid_t base,
                       const pivot_signal_detail *d, char *err, size_t errlen)
{
    hid_t t = H5Tenum_create(base);

    if (t < 0) {
        hx_fail(0, err, errlen, "H5Tenum_create", "channel \"%s\" signal \"%s\"", x->channel,
                s->name);
        goto out;
    }
    for (size_t i = 0; i < d->nsymbols; i++) {
        /* The member's value is given in the base type's own layout. */
        int32_t index = (int32_t)i;
        unsigned char value[sizeof(int32_t)];

        memcpy(value, &index, sizeof(index));
        if (H5Tconvert(H5T_NATIVE_INT32, base, 1, value, NULL, H5P_DEFAULT) < 0 ||
            H5Tenum_insert(t, d->symbols[i], value) < 0) {
            hx_fail(0, err, errlen, "H5Tenum_insert", "channel \"%s\" signal \"%s\" symbol \"%s\"",
                    x->channel, s->name, d->symbols[i]);
            H5Tclose(t);
            t = H5I_INVALID_HID;
            goto out;
        }
    }
out:
    return t;
}

/*
 * Elements of one length as an opaque type of that size, which h5py reads
 * as numpy.void (`ds[i].tobytes()`). Left untagged: h5py builds its memory
 * type from the numpy dtype, without a tag, and HDF5 converts between
 * opaque types only when their tags match, so a tagged dataset could not
 * be read with `ds[...]`. What the bytes are is in the `avro_type` attribute.
 */
static hid_t fixed_type(const hx_export *x, const hx_signal *s, char *err, size_t errlen)
{
    hid_t t = H5Tcreate(H5T_OPAQUE, s->fixed_size);

    if (t < 0)
        hx_fail(0, err, errlen, "H5Tcreate", "channel \"%s\" signal \"%s\" (%zu-byte fixed)",
                x->channel, s->name, s->fixed_size);
    return t;
}

int hx_signal_types(const hx_export *x, const hx_signal *s, const pivot_signal_detail *d,
                    hid_t *file_type, hid_t *mem_type, char *err, size_t errlen)
{
    hid_t file_base = H5I_INVALID_HID, mem_base = H5I_INVALID_HID;
    int rc = 0;

    *file_type = *mem_type = H5I_INVALID_HID;
    if (s->type == PIVOT_TYPE_ENUM && has_symbols(d)) {
        *file_type = enum_type(x, s, enum_base(d->nsymbols), d, err, errlen);
        if (*file_type >= 0)
            *mem_type = enum_type(x, s, H5T_NATIVE_INT32, d, err, errlen);
    } else if (s->type == PIVOT_TYPE_BYTES && s->fixed_size > 0) {
        *file_type = fixed_type(x, s, err, errlen);
        if (*file_type >= 0 && (*mem_type = H5Tcopy(*file_type)) < 0)
            hx_fail(0, err, errlen, "H5Tcopy", "channel \"%s\" signal \"%s\"", x->channel, s->name);
    } else if (s->type == PIVOT_TYPE_BYTES) {
        *file_type = H5Tvlen_create(H5T_STD_U8LE);
        *mem_type = H5Tvlen_create(H5T_NATIVE_UINT8);
        if (*file_type < 0 || *mem_type < 0)
            hx_fail(0, err, errlen, "H5Tvlen_create", "channel \"%s\" signal \"%s\"", x->channel,
                    s->name);
    } else {
        /* Copies, so that the caller closes every type alike. */
        plain_types(x, s->type, &file_base, &mem_base);
        *file_type = H5Tcopy(file_base);
        *mem_type = H5Tcopy(mem_base);
        if (*file_type < 0 || *mem_type < 0)
            hx_fail(0, err, errlen, "H5Tcopy", "channel \"%s\" signal \"%s\"", x->channel, s->name);
    }
    if (*file_type < 0 || *mem_type < 0) {
        rc = PIVOT_EIO;
        if (*file_type >= 0)
            H5Tclose(*file_type);
        if (*mem_type >= 0)
            H5Tclose(*mem_type);
        *file_type = *mem_type = H5I_INVALID_HID;
    }
    return rc;
}
