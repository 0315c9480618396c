/* Attribute writers shared by the root group, channel groups and variables. */
#include "attrs.h"

#include "nc_error.h"

#include <netcdf.h>
#include <pivot/common.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <string.h>

int nx_attr_values(int ncid, int varid, const char *name, int xtype, size_t count,
                   const void *values, const char *where, char *err, size_t errlen)
{
    int status = nc_put_att(ncid, varid, name, xtype, count, values);

    return status == NC_NOERR ? 0
                              : nx_fail(PIVOT_EIO, err, errlen, status, "nc_put_att",
                                        "%s attribute \"%s\"", where, name);
}

int nx_attr_text(int ncid, int varid, const char *name, const char *value, const char *where,
                 char *err, size_t errlen)
{
    int status = nc_put_att_text(ncid, varid, name, strlen(value), value);

    return status == NC_NOERR ? 0
                              : nx_fail(PIVOT_EIO, err, errlen, status, "nc_put_att_text",
                                        "%s attribute \"%s\"", where, name);
}

int nx_attr_int32(int ncid, int varid, const char *name, int32_t value, const char *where,
                  char *err, size_t errlen)
{
    return nx_attr_values(ncid, varid, name, NC_INT, 1, &value, where, err, errlen);
}

int nx_attr_uint32(int ncid, int varid, const char *name, uint32_t value, const char *where,
                   char *err, size_t errlen)
{
    return nx_attr_values(ncid, varid, name, NC_UINT, 1, &value, where, err, errlen);
}

int nx_attr_int64(int ncid, int varid, const char *name, int64_t value, const char *where,
                  char *err, size_t errlen)
{
    return nx_attr_values(ncid, varid, name, NC_INT64, 1, &value, where, err, errlen);
}

int nx_attr_uint64(int ncid, int varid, const char *name, uint64_t value, const char *where,
                   char *err, size_t errlen)
{
    return nx_attr_values(ncid, varid, name, NC_UINT64, 1, &value, where, err, errlen);
}

int nx_attr_range(int ncid, const char *prefix, int64_t start_ns, int64_t end_ns, const char *where,
                  char *err, size_t errlen)
{
    const char *ends[2] = {"start", "end"};
    const int64_t values[2] = {start_ns, end_ns};
    char name[64];
    char iso[PIVOT_RFC3339_SIZE];
    int rc = 0;

    for (int i = 0; i < 2 && rc == 0; i++) {
        snprintf(name, sizeof(name), "%s_%s", prefix, ends[i]);
        rc = nx_attr_int64(ncid, NC_GLOBAL, name, values[i], where, err, errlen);
        if (rc != 0)
            goto out;
        if (pivot_rfc3339_format(values[i], iso, sizeof(iso)) != 0) {
            snprintf(err, errlen, "%s attribute \"%s_iso\": time %lld cannot be shown", where, name,
                     (long long)values[i]);
            rc = PIVOT_ERANGE;
            goto out;
        }
        snprintf(name, sizeof(name), "%s_%s_iso", prefix, ends[i]);
        rc = nx_attr_text(ncid, NC_GLOBAL, name, iso, where, err, errlen);
    }
out:
    return rc;
}
