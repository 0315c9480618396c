/*
 * Nulls of a signal are kept beside it rather than in it: an HDF5 dataset of
 * integers, strings or bytes has no value that could stand for "none", and
 * a mask of 0/1 with CF's flag_values/flag_meanings reads the same in h5py,
 * xarray and MATLAB. Floats keep NaN at nulls too, which is what most float
 * code expects.
 */
#include "null_mask.h"

#include "attrs.h"
#include "direct_chunks.h"
#include "h5_error.h"

#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *hx_mask_name(const char *name)
{
    size_t len = strlen(name);
    char *mask = malloc(len + sizeof(HX_VALID_SUFFIX));

    if (mask != NULL) {
        memcpy(mask, name, len);
        memcpy(mask + len, HX_VALID_SUFFIX, sizeof(HX_VALID_SUFFIX));
    }
    return mask;
}

int hx_is_mask_name(const char *name, const char *other)
{
    size_t len = strlen(name);

    return strncmp(other, name, len) == 0 && strcmp(other + len, HX_VALID_SUFFIX) == 0;
}

int hx_mask_create(hx_export *x, hx_signal *s, hsize_t chunk, char *err, size_t errlen)
{
    static const uint8_t flag_values[] = {0, 1};
    char where[300];
    int rc = 0;

    s->valid = hx_column_create(x, s->valid_name, H5T_STD_U8LE, chunk, err, errlen);
    if (s->valid < 0) {
        rc = PIVOT_EIO;
        goto out;
    }
    s->valid_direct = hx_direct_open(x, s->valid, s->valid_name, H5T_STD_U8LE, 1, chunk);
    snprintf(where, sizeof(where), "channel \"%s\" dataset \"%s\"", x->channel, s->valid_name);
    rc = hx_attr_uint8_list(s->valid, "flag_values", flag_values, 2, where, err, errlen);
    if (rc == 0)
        rc = hx_attr_string(s->valid, x->str_type, "flag_meanings", "null valid", where, err,
                            errlen);
    if (rc != 0)
        goto out;
    if (H5DSattach_scale(s->valid, x->time, 0) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5DSattach_scale", "%s", where);
out:
    return rc;
}

int hx_mask_append(hx_export *x, const hx_signal *s, const uint8_t *valid, hid_t mem_space,
                   hsize_t count, char *err, size_t errlen)
{
    const void *data = valid;
    uint8_t *ones;
    int rc = 0;

    if (data == NULL) {
        ones = hx_scratch(x, count, err, errlen);
        if (ones == NULL) {
            rc = PIVOT_ENOMEM;
            goto out;
        }
        memset(ones, 1, count);
        data = ones;
    }
    rc = hx_column_append(x, s->valid_direct, s->valid, H5T_NATIVE_UINT8, mem_space, data, count,
                          s->valid_name, err, errlen);
out:
    return rc;
}
