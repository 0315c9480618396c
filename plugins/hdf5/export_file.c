/*
 * The file level of an export: creating the file with the job's facts as
 * root attributes, and closing it with the export's totals.
 */
#include "attrs.h"
#include "direct_chunks.h"
#include "h5_error.h"
#include "hdf5_export.h"
#include "provenance.h"

#include <errno.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/** Version of the layout described in docs/api.md, for readers to check: 2 since
 * short strings are character arrays (string_column.h). */
#define HX_FORMAT_VERSION 2

static const char root[] = "file root";

/* The file's name without its directory: messages may reach a client, who
 * has no business knowing the server's directories. */
static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* The string attributes of the root that are written only when given. */
static int write_info_strings(hid_t file, hid_t str_type, const pivot_export_info *info, char *err,
                              size_t errlen)
{
    const struct {
        const char *name;
        const char *value;
    } strings[] = {
        {"job_id", info->job_id},
        {"producer", info->producer},
        {"owner", info->owner},
        {"request", info->request_json},
        {"description", info->description},
        {"user", info->user},
        {"metadata", info->metadata_json},
    };
    int rc = 0;

    for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
        if (strings[i].value == NULL)
            continue;
        rc = hx_attr_string(file, str_type, strings[i].name, strings[i].value, root, err, errlen);
        if (rc != 0)
            goto out;
    }
out:
    return rc;
}

static int write_info(hx_export *x, const pivot_export_info *info, char *err, size_t errlen)
{
    int rc;

    rc = hx_attr_int32(x->file, "pivot_format_version", HX_FORMAT_VERSION, root, err, errlen);
    if (rc != 0)
        goto out;
    rc = write_info_strings(x->file, x->str_type, info, err, errlen);
    if (rc != 0)
        goto out;
    rc = hx_attr_range(x->file, x->str_type, "requested", info->requested.start_ns,
                       info->requested.end_ns, root, err, errlen);
    if (rc != 0)
        goto out;
    rc = hx_write_decimation(x->file, x->str_type, info->decimation_method, info->decimation_factor,
                             info->decimation_interval_ns, root, err, errlen);
    if (rc != 0)
        goto out;
    /* Each channel group repeats the job's provenance and decimation. */
    rc = hx_provenance_keep(&x->provenance, info);
    if (rc != 0)
        snprintf(err, errlen, "%s: out of memory", root);
out:
    return rc;
}

/* Text is stored as UTF-8, which h5py reads back as str rather than bytes. */
static hid_t create_string_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);

    if (t < 0)
        goto out;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        t = H5I_INVALID_HID;
    }
out:
    return t;
}

/* The job's storage options (options.compression, options.chunk_size). */
static int check_storage_options(const pivot_export_info *info, char *err, size_t errlen)
{
    int rc = 0;

    if (info->gzip_level > 9) {
        snprintf(err, errlen, "hdf5 export: gzip level %u is not in 1..9", info->gzip_level);
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (info->chunk_size > HX_CHUNK_MAX_ELEMENTS) {
        snprintf(err, errlen, "hdf5 export: chunk size %llu is over %llu elements",
                 (unsigned long long)info->chunk_size, (unsigned long long)HX_CHUNK_MAX_ELEMENTS);
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (info->gzip_level > 0 && H5Zfilter_avail(H5Z_FILTER_DEFLATE) <= 0) {
        snprintf(err, errlen, "hdf5 export: this HDF5 library has no deflate filter");
        rc = PIVOT_ENOTSUP;
    }
out:
    return rc;
}

static hid_t create_file(const char *path, char *err, size_t errlen, int *rc)
{
    hid_t fapl = H5I_INVALID_HID;
    hid_t file = H5I_INVALID_HID;
    struct stat st;

    fapl = H5Pcreate(H5P_FILE_ACCESS);
    /* Closing the file also closes whatever an abandoned export left open. */
    if (fapl < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        *rc =
            hx_fail(PIVOT_EIO, err, errlen, "H5Pset_fclose_degree", "file \"%s\"", file_name(path));
        goto out;
    }
    file = H5Fcreate(path, H5F_ACC_EXCL, H5P_DEFAULT, fapl);
    if (file < 0) {
        *rc = hx_fail(PIVOT_EIO, err, errlen, "H5Fcreate", "file \"%s\"", file_name(path));
        if (lstat(path, &st) == 0)
            *rc = PIVOT_EEXIST;
    }
out:
    if (fapl >= 0)
        H5Pclose(fapl);
    return file;
}

int hx_open(const char *path, const pivot_export_info *info, void **exp, char *err, size_t errlen)
{
    hx_export *x = NULL;
    int rc = 0;

    *exp = NULL;
    if (path == NULL || info == NULL ||
        info->size < offsetof(pivot_export_info, producer) + sizeof(info->producer)) {
        snprintf(err, errlen, "hdf5 export: missing path or export info");
        rc = PIVOT_EINVAL;
        goto out;
    }
    hx_error_silence();
    rc = check_storage_options(info, err, errlen);
    if (rc != 0)
        goto out;
    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        snprintf(err, errlen, "file \"%s\": out of memory", file_name(path));
        rc = PIVOT_ENOMEM;
        goto out;
    }
    x->file = x->str_type = x->group = x->time = H5I_INVALID_HID;
    x->gzip_level = info->gzip_level;
    x->chunk_elements = info->chunk_size;
    x->str_type = create_string_type();
    if (x->str_type < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Tset_cset", "file \"%s\"", file_name(path));
        goto out;
    }
    x->file = create_file(path, err, errlen, &rc);
    if (x->file < 0)
        goto out;
    rc = hx_direct_start(x, err, errlen);
    if (rc != 0)
        goto out;
    rc = write_info(x, info, err, errlen);
    if (rc != 0)
        goto out;
    *exp = x;
    x = NULL;
out:
    if (x != NULL)
        hx_close(x, NULL, NULL, 0);
    return rc;
}

static int write_summary(hx_export *x, const pivot_export_summary *s, char *err, size_t errlen)
{
    int rc;

    rc = hx_attr_uint32(x->file, "channels_exported", s->channels, root, err, errlen);
    if (rc != 0)
        goto out;
    rc = hx_attr_uint64(x->file, "sample_count", s->samples, root, err, errlen);
    if (rc != 0 || s->samples == 0)
        goto out;
    rc = hx_attr_range(x->file, x->str_type, "actual", s->actual.start_ns, s->actual.end_ns, root,
                       err, errlen);
out:
    return rc;
}

/* Everything but the file itself must be closed by now, or data may not be flushed. */
static int check_nothing_open(hx_export *x, char *err, size_t errlen)
{
    ssize_t open = H5Fget_obj_count(x->file, H5F_OBJ_ALL | H5F_OBJ_LOCAL);
    int rc = 0;

    if (open < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Fget_obj_count", "%s", root);
    } else if (open != 1) {
        snprintf(err, errlen, "file root: %zd HDF5 objects still open at close", open - 1);
        rc = PIVOT_EIO;
    }
    return rc;
}

int hx_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen)
{
    hx_export *x = exp;
    int rc = 0;

    if (x == NULL)
        goto out;
    if (summary != NULL && x->group >= 0) {
        snprintf(err, errlen, "channel \"%s\": export closed before the channel ended", x->channel);
        rc = PIVOT_EINVAL;
    }
    hx_channel_release(x);
    hx_direct_stop(x);
    if (summary == NULL || rc != 0 || x->file < 0)
        goto release;
    if (summary->size < offsetof(pivot_export_summary, actual) + sizeof(summary->actual)) {
        snprintf(err, errlen, "file root: export summary too small (%zu bytes)", summary->size);
        rc = PIVOT_EINVAL;
        goto release;
    }
    rc = write_summary(x, summary, err, errlen);
    if (rc != 0)
        goto release;
    if (H5Fflush(x->file, H5F_SCOPE_LOCAL) < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Fflush", "%s", root);
        goto release;
    }
    rc = check_nothing_open(x, err, errlen);
    if (rc != 0)
        goto release;
    if (H5Fclose(x->file) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Fclose", "%s", root);
    x->file = H5I_INVALID_HID;
release:
    if (x->file >= 0)
        H5Fclose(x->file);
    if (x->str_type >= 0)
        H5Tclose(x->str_type);
    free(x->scratch);
    hx_provenance_free(&x->provenance);
    free(x);
out:
    return rc;
}
