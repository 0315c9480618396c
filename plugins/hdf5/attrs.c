/* Attribute writers shared by the file root, channel groups and datasets. */
#include "attrs.h"

#include "h5_error.h"

#include <pivot/common.h>
#include <pivot/grammar.h>
#include <stdio.h>

/*
 * Creates an attribute of file_type and writes its values, laid out as
 * mem_type: one value when count is 0 (a scalar), else a list of count.
 */
static int write_attr(hid_t obj, const char *name, hid_t file_type, hid_t mem_type, hsize_t count,
                      const void *value, const char *where, char *err, size_t errlen)
{
    hid_t space = H5I_INVALID_HID;
    hid_t attr = H5I_INVALID_HID;
    int rc = 0;

    space = count > 0 ? H5Screate_simple(1, &count, NULL) : H5Screate(H5S_SCALAR);
    if (space < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Screate", "%s attribute \"%s\"", where, name);
        goto out;
    }
    attr = H5Acreate2(obj, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
    if (attr < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Acreate2", "%s attribute \"%s\"", where, name);
        goto out;
    }
    if (H5Awrite(attr, mem_type, value) < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Awrite", "%s attribute \"%s\"", where, name);
        goto out;
    }
out:
    if (attr >= 0)
        H5Aclose(attr);
    if (space >= 0)
        H5Sclose(space);
    return rc;
}

int hx_attr_scalar(hid_t obj, const char *name, hid_t file_type, hid_t mem_type, const void *value,
                   const char *where, char *err, size_t errlen)
{
    return write_attr(obj, name, file_type, mem_type, 0, value, where, err, errlen);
}

int hx_attr_string(hid_t obj, hid_t str_type, const char *name, const char *value,
                   const char *where, char *err, size_t errlen)
{
    /* A variable-length string is written through a pointer to the text. */
    return write_attr(obj, name, str_type, str_type, 0, &value, where, err, errlen);
}

int hx_attr_int32(hid_t obj, const char *name, int32_t value, const char *where, char *err,
                  size_t errlen)
{
    return write_attr(obj, name, H5T_STD_I32LE, H5T_NATIVE_INT32, 0, &value, where, err, errlen);
}

int hx_attr_uint32(hid_t obj, const char *name, uint32_t value, const char *where, char *err,
                   size_t errlen)
{
    return write_attr(obj, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, 0, &value, where, err, errlen);
}

int hx_attr_int64(hid_t obj, const char *name, int64_t value, const char *where, char *err,
                  size_t errlen)
{
    return write_attr(obj, name, H5T_STD_I64LE, H5T_NATIVE_INT64, 0, &value, where, err, errlen);
}

int hx_attr_uint64(hid_t obj, const char *name, uint64_t value, const char *where, char *err,
                   size_t errlen)
{
    return write_attr(obj, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, 0, &value, where, err, errlen);
}

int hx_attr_uint8_list(hid_t obj, const char *name, const uint8_t *values, size_t count,
                       const char *where, char *err, size_t errlen)
{
    return write_attr(obj, name, H5T_STD_U8LE, H5T_NATIVE_UINT8, count, values, where, err, errlen);
}

int hx_attr_range(hid_t obj, hid_t str_type, const char *prefix, int64_t start_ns, int64_t end_ns,
                  const char *where, char *err, size_t errlen)
{
    const char *ends[2] = {"start", "end"};
    const int64_t values[2] = {start_ns, end_ns};
    char name[64];
    char iso[PIVOT_RFC3339_SIZE];
    int rc = 0;

    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof(name), "%s_%s", prefix, ends[i]);
        rc = hx_attr_int64(obj, name, values[i], where, err, errlen);
        if (rc != 0)
            goto out;
        rc = pivot_rfc3339_format(values[i], iso, sizeof(iso));
        if (rc != 0) {
            snprintf(err, errlen, "%s attribute \"%s_iso\": time %lld cannot be shown", where, name,
                     (long long)values[i]);
            goto out;
        }
        snprintf(name, sizeof(name), "%s_%s_iso", prefix, ends[i]);
        rc = hx_attr_string(obj, str_type, name, iso, where, err, errlen);
        if (rc != 0)
            goto out;
    }
out:
    return rc;
}
