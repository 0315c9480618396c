/* HDF5 read-back for the hdf5 exporter's C tests; see test_hdf5_exporter_support.h. */
#include "test_hdf5_exporter_support.h"

#include <hdf5_hl.h>
#include <stdio.h>
#include <string.h>

int tx_attr_count(hid_t loc, const char *path)
{
    H5O_info_t info;

    if (H5Oget_info_by_name(loc, path, &info, H5P_DEFAULT) < 0)
        return -1;
    return (int)info.num_attrs;
}

int tx_attr_exists(hid_t loc, const char *path, const char *name)
{
    htri_t r = H5Aexists_by_name(loc, path, name, H5P_DEFAULT);

    return r < 0 ? -1 : r > 0;
}

int tx_attr_type_is(hid_t loc, const char *path, const char *name, hid_t type)
{
    hid_t attr = H5Aopen_by_name(loc, path, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t t = attr >= 0 ? H5Aget_type(attr) : H5I_INVALID_HID;
    htri_t equal = t >= 0 ? H5Tequal(t, type) : -1;

    if (t >= 0)
        H5Tclose(t);
    if (attr >= 0)
        H5Aclose(attr);
    return equal < 0 ? -1 : equal > 0;
}

int tx_attr_string(hid_t loc, const char *path, const char *name, char *buf, size_t buflen)
{
    hid_t attr = H5Aopen_by_name(loc, path, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t t = H5Tcopy(H5T_C_S1);
    char *value = NULL;
    int rc = -1;

    if (attr < 0 || t < 0 || H5Tset_size(t, H5T_VARIABLE) < 0 ||
        H5Tset_cset(t, H5T_CSET_UTF8) < 0 || H5Aread(attr, t, &value) < 0 || value == NULL)
        goto out;
    snprintf(buf, buflen, "%s", value);
    H5free_memory(value);
    rc = 0;
out:
    if (t >= 0)
        H5Tclose(t);
    if (attr >= 0)
        H5Aclose(attr);
    return rc;
}

const char *tx_attr_text(hid_t loc, const char *path, const char *name)
{
    static char text[512];

    if (tx_attr_string(loc, path, name, text, sizeof(text)) != 0)
        snprintf(text, sizeof(text), "(missing)");
    return text;
}

int tx_attr_int64s(hid_t loc, const char *path, const char *name, int64_t *values, size_t max,
                   size_t *n)
{
    hid_t attr = H5Aopen_by_name(loc, path, name, H5P_DEFAULT, H5P_DEFAULT);
    hid_t space = attr >= 0 ? H5Aget_space(attr) : H5I_INVALID_HID;
    hssize_t count = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
    int rc = -1;

    if (count < 0 || (size_t)count > max || H5Aread(attr, H5T_NATIVE_INT64, values) < 0)
        goto out;
    *n = (size_t)count;
    rc = 0;
out:
    if (space >= 0)
        H5Sclose(space);
    if (attr >= 0)
        H5Aclose(attr);
    return rc;
}

hid_t tx_dataset_type(hid_t loc, const char *path)
{
    hid_t dset = H5Dopen2(loc, path, H5P_DEFAULT);
    hid_t t = dset >= 0 ? H5Dget_type(dset) : H5I_INVALID_HID;

    if (dset >= 0)
        H5Dclose(dset);
    return t;
}

long long tx_dataset_length(hid_t loc, const char *path)
{
    hid_t dset = H5Dopen2(loc, path, H5P_DEFAULT);
    hid_t space = dset >= 0 ? H5Dget_space(dset) : H5I_INVALID_HID;
    hsize_t length = 0;
    long long rc = -1;

    if (space >= 0 && H5Sget_simple_extent_ndims(space) == 1 &&
        H5Sget_simple_extent_dims(space, &length, NULL) == 1)
        rc = (long long)length;
    if (space >= 0)
        H5Sclose(space);
    if (dset >= 0)
        H5Dclose(dset);
    return rc;
}

int tx_dataset_read(hid_t loc, const char *path, hid_t mem_type, void *buf, size_t capacity)
{
    long long length = tx_dataset_length(loc, path);
    hid_t dset = H5Dopen2(loc, path, H5P_DEFAULT);
    int rc = -1;

    if (dset >= 0 && length >= 0 && (size_t)length <= capacity &&
        H5Dread(dset, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0)
        rc = 0;
    if (dset >= 0)
        H5Dclose(dset);
    return rc;
}

int tx_dataset_layout(hid_t loc, const char *path, hsize_t *chunk, int *nfilters)
{
    hid_t dset = H5Dopen2(loc, path, H5P_DEFAULT);
    hid_t dcpl = dset >= 0 ? H5Dget_create_plist(dset) : H5I_INVALID_HID;
    int rc = -1;

    if (dcpl >= 0 && H5Pget_layout(dcpl) == H5D_CHUNKED && H5Pget_chunk(dcpl, 1, chunk) == 1) {
        *nfilters = H5Pget_nfilters(dcpl);
        rc = 0;
    }
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (dset >= 0)
        H5Dclose(dset);
    return rc;
}

int tx_scale_attached(hid_t loc, const char *path, const char *scale_path)
{
    hid_t dset = H5Dopen2(loc, path, H5P_DEFAULT);
    hid_t scale = H5Dopen2(loc, scale_path, H5P_DEFAULT);
    int attached = dset >= 0 && scale >= 0 && H5DSis_attached(dset, scale, 0) > 0;

    if (scale >= 0)
        H5Dclose(scale);
    if (dset >= 0)
        H5Dclose(dset);
    return attached;
}
