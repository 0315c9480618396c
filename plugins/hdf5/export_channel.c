/*
 * The channel level of an export: a group per channel holding an extendible
 * `time` dimension scale and one extendible dataset per signal attached to
 * it, grown by one hyperslab per batch.
 */
#include "attrs.h"
#include "h5_error.h"
#include "hdf5_export.h"

#include <hdf5_hl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Chunks of about 128 KiB whatever the element size (16,384 doubles, 32,768
 * int32s, 16,384 strings: HDF5 sizes them as pointers). Whole chunks are
 * allocated, so a short channel wastes at most one chunk per dataset
 * (512 KiB chunks made a 100-sample export 2.6 MB); writes measured
 * 2.65 GB/s against 3.1 GB/s with 512 KiB chunks and 2.4 GB/s with 64 KiB
 * ones (chunk cache off). */
#define HX_CHUNK_BYTES (128 * 1024)
/*
 * No chunk cache: an append never reads back or revisits a chunk, so caching
 * only adds a copy of every chunk; without it HDF5 writes each slab straight
 * to its place in the file (~40 % faster measured). Chunks of fixed-size
 * types are not filled with a fill value either: every element gets written.
 */
#define HX_CHUNK_CACHE_BYTES 0
#define HX_CHUNK_CACHE_SLOTS 521

/* CF/udunits spelling, so that netCDF-4 readers (xarray, netCDF4) decode the
 * scale as times: they do not know "ns". */
static const char time_units[] = "nanoseconds since 1970-01-01T00:00:00Z";

/* The little-endian file type and the native memory type of a signal. */
static void signal_types(const hx_export *x, pivot_type type, hid_t *file_type, hid_t *mem_type)
{
    switch (type) {
    case PIVOT_TYPE_INT32:
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
        *file_type = x->str_type;
        *mem_type = x->str_type;
        break;
    default:
        *file_type = *mem_type = H5I_INVALID_HID;
        break;
    }
}

/* An empty, unlimited 1-D dataset of file_type in the channel's group. */
static hid_t create_column(hx_export *x, const char *name, hid_t file_type, hsize_t chunk,
                           char *err, size_t errlen)
{
    const hsize_t zero = 0, unlimited = H5S_UNLIMITED;
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dapl = H5I_INVALID_HID;
    hid_t dset = H5I_INVALID_HID;

    space = H5Screate_simple(1, &zero, &unlimited);
    if (space < 0) {
        hx_fail(0, err, errlen, "H5Screate_simple", "channel \"%s\" dataset \"%s\"", x->channel,
                name);
        goto out;
    }
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0 || H5Pset_chunk(dcpl, 1, &chunk) < 0) {
        hx_fail(0, err, errlen, "H5Pset_chunk", "channel \"%s\" dataset \"%s\"", x->channel, name);
        goto out;
    }
    /* Shuffle groups the bytes of each significance together, which deflate
     * then compresses far better on slowly varying samples. */
    if (x->gzip_level > 0 &&
        (H5Pset_shuffle(dcpl) < 0 || H5Pset_deflate(dcpl, x->gzip_level) < 0)) {
        hx_fail(0, err, errlen, "H5Pset_deflate", "channel \"%s\" dataset \"%s\"", x->channel,
                name);
        goto out;
    }
    /* HDF5 refuses to skip the fill of variable-length types. */
    if (H5Tis_variable_str(file_type) <= 0 && H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0) {
        hx_fail(0, err, errlen, "H5Pset_fill_time", "channel \"%s\" dataset \"%s\"", x->channel,
                name);
        goto out;
    }
    dapl = H5Pcreate(H5P_DATASET_ACCESS);
    if (dapl < 0 || H5Pset_chunk_cache(dapl, HX_CHUNK_CACHE_SLOTS, HX_CHUNK_CACHE_BYTES, 1.0) < 0) {
        hx_fail(0, err, errlen, "H5Pset_chunk_cache", "channel \"%s\" dataset \"%s\"", x->channel,
                name);
        goto out;
    }
    dset = H5Dcreate2(x->group, name, file_type, space, H5P_DEFAULT, dcpl, dapl);
    if (dset < 0)
        hx_fail(0, err, errlen, "H5Dcreate2", "channel \"%s\" dataset \"%s\"", x->channel, name);
out:
    if (dapl >= 0)
        H5Pclose(dapl);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    return dset;
}

/* Elements of file_type in one chunk: as the job asked, or about HX_CHUNK_BYTES. */
static hsize_t chunk_elements(const hx_export *x, hid_t file_type)
{
    size_t size = H5Tget_size(file_type);

    if (x->chunk_elements > 0)
        return x->chunk_elements;
    return size > 0 && size < HX_CHUNK_BYTES ? HX_CHUNK_BYTES / size : 1;
}

static int create_time(hx_export *x, char *err, size_t errlen)
{
    char where[300];
    int rc = 0;

    x->time =
        create_column(x, "time", H5T_STD_I64LE, chunk_elements(x, H5T_STD_I64LE), err, errlen);
    if (x->time < 0) {
        rc = PIVOT_EIO;
        goto out;
    }
    snprintf(where, sizeof(where), "channel \"%s\" dataset \"time\"", x->channel);
    rc = hx_attr_string(x->time, x->str_type, "units", time_units, where, err, errlen);
    if (rc != 0)
        goto out;
    if (H5DSset_scale(x->time, "time") < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5DSset_scale", "channel \"%s\" dataset \"time\"",
                     x->channel);
out:
    return rc;
}

/*
 * The value a sample holds when the source file it came from had no such
 * field (the channel's schema gained the signal later): NaN, 0 or "", the
 * same for every signal of a type. Named `fill_value`, not netCDF's
 * `_FillValue`, which readers such as xarray would turn into masking of
 * every 0 in an integer signal.
 */
static int write_fill_value(const hx_export *x, const hx_signal *s, hid_t file_type,
                            const char *where, char *err, size_t errlen)
{
    /* Eight bytes, every one zero: 0 in each integer width, and false. */
    union {
        double f64;
        float f32;
        int64_t i64;
    } fill = {.i64 = 0};

    if (s->type == PIVOT_TYPE_STRING)
        return hx_attr_string(s->dset, x->str_type, "fill_value", "", where, err, errlen);
    if (s->type == PIVOT_TYPE_FLOAT64)
        fill.f64 = NAN;
    else if (s->type == PIVOT_TYPE_FLOAT32)
        fill.f32 = NAN;
    return hx_attr_scalar(s->dset, "fill_value", file_type, s->mem_type, &fill, where, err, errlen);
}

static int create_signal(hx_export *x, hx_signal *s, char *err, size_t errlen)
{
    hid_t file_type;
    char where[300];
    int rc = 0;

    signal_types(x, s->type, &file_type, &s->mem_type);
    s->dset = create_column(x, s->name, file_type, chunk_elements(x, file_type), err, errlen);
    if (s->dset < 0) {
        rc = PIVOT_EIO;
        goto out;
    }
    snprintf(where, sizeof(where), "channel \"%s\" signal \"%s\"", x->channel, s->name);
    rc = hx_attr_string(s->dset, x->str_type, "source_type", pivot_type_name(s->type), where, err,
                        errlen);
    if (rc == 0)
        rc = write_fill_value(x, s, file_type, where, err, errlen);
    if (rc != 0)
        goto out;
    if (H5DSattach_scale(s->dset, x->time, 0) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5DSattach_scale", "%s", where);
out:
    return rc;
}

/* HDF5 link names cannot hold '/', and "." names the parent group itself. */
static int valid_name(const char *name)
{
    return name != NULL && name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0;
}

static int check_signals(const char *channel, const pivot_signal_info *signals, size_t nsignals,
                         char *err, size_t errlen)
{
    int rc = 0;

    for (size_t i = 0; i < nsignals; i++) {
        const char *name = signals[i].name;

        if (!valid_name(name) || strcmp(name, "time") == 0) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": not usable as a dataset name",
                     channel, name ? name : "(null)");
            rc = PIVOT_EINVAL;
            goto out;
        }
        if (signals[i].type < PIVOT_TYPE_INT32 || signals[i].type > PIVOT_TYPE_STRING) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": unsupported type %d", channel,
                     name, (int)signals[i].type);
            rc = PIVOT_ENOTSUP;
            goto out;
        }
    }
out:
    return rc;
}

static int create_group(hx_export *x, const pivot_channel_info *channel, char *err, size_t errlen)
{
    char where[300];
    int rc = 0;

    x->group = H5Gcreate2(x->file, x->channel, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (x->group < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Gcreate2", "channel \"%s\"", x->channel);
        goto out;
    }
    snprintf(where, sizeof(where), "channel \"%s\"", x->channel);
    if (channel->schema != NULL)
        rc = hx_attr_string(x->group, x->str_type, "source_schema", channel->schema, where, err,
                            errlen);
out:
    return rc;
}

int hx_begin_channel(void *exp, const pivot_channel_info *channel, const pivot_signal_info *signals,
                     size_t nsignals, char *err, size_t errlen)
{
    hx_export *x = exp;
    int rc = 0;

    if (x->group >= 0) {
        snprintf(err, errlen, "channel \"%s\": begun before channel \"%s\" ended",
                 channel->name ? channel->name : "(null)", x->channel);
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (!valid_name(channel->name)) {
        snprintf(err, errlen, "channel \"%s\": not usable as a group name",
                 channel->name ? channel->name : "(null)");
        rc = PIVOT_EINVAL;
        goto out;
    }
    rc = check_signals(channel->name, signals, nsignals, err, errlen);
    if (rc != 0)
        goto out;
    if (H5Lexists(x->file, channel->name, H5P_DEFAULT) > 0) {
        snprintf(err, errlen, "channel \"%s\": exported twice", channel->name);
        rc = PIVOT_EEXIST;
        goto out;
    }
    /* From here on, a failure forgets the half-made channel. */
    x->channel = strdup(channel->name);
    x->signals = calloc(nsignals ? nsignals : 1, sizeof(*x->signals));
    if (x->channel == NULL || x->signals == NULL) {
        snprintf(err, errlen, "channel \"%s\": out of memory", channel->name);
        rc = PIVOT_ENOMEM;
        goto forget;
    }
    for (size_t i = 0; i < nsignals; i++) {
        x->signals[i].dset = H5I_INVALID_HID;
        x->signals[i].type = signals[i].type;
        x->signals[i].name = strdup(signals[i].name);
        x->nsignals = i + 1;
        if (x->signals[i].name == NULL) {
            snprintf(err, errlen, "channel \"%s\": out of memory", channel->name);
            rc = PIVOT_ENOMEM;
            break;
        }
    }
    if (rc == 0)
        rc = create_group(x, channel, err, errlen);
    if (rc == 0)
        rc = create_time(x, err, errlen);
    for (size_t i = 0; rc == 0 && i < nsignals; i++)
        rc = create_signal(x, &x->signals[i], err, errlen);
forget:
    if (rc != 0)
        hx_channel_release(x);
out:
    return rc;
}

/* Grows dset to new_length and writes the batch's `count` values at its old end. */
static int write_slab(hid_t dset, hid_t mem_type, hid_t mem_space, hsize_t start, hsize_t count,
                      const void *data, const char *channel, const char *name, char *err,
                      size_t errlen)
{
    const hsize_t new_length = start + count;
    hid_t file_space = H5I_INVALID_HID;
    int rc = 0;

    if (H5Dset_extent(dset, &new_length) < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Dset_extent", "channel \"%s\" dataset \"%s\"",
                     channel, name);
        goto out;
    }
    file_space = H5Dget_space(dset);
    if (file_space < 0 ||
        H5Sselect_hyperslab(file_space, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Sselect_hyperslab", "channel \"%s\" dataset \"%s\"",
                     channel, name);
        goto out;
    }
    if (H5Dwrite(dset, mem_type, mem_space, file_space, H5P_DEFAULT, data) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Dwrite", "channel \"%s\" dataset \"%s\"", channel,
                     name);
out:
    if (file_space >= 0)
        H5Sclose(file_space);
    return rc;
}

/* The batch must carry the begun signals in order, as the host promised. */
static int check_batch(const hx_export *x, const pivot_batch *batch, char *err, size_t errlen)
{
    int rc = 0;

    if (batch->ncolumns != x->nsignals || batch->time == NULL) {
        snprintf(err, errlen, "channel \"%s\": batch has %zu columns%s, %zu signals were begun",
                 x->channel, batch->ncolumns, batch->time ? "" : " and no time", x->nsignals);
        rc = PIVOT_EINVAL;
        goto out;
    }
    for (size_t i = 0; i < x->nsignals; i++) {
        const pivot_column *c = &batch->columns[i];

        if (c->type != x->signals[i].type || c->data == NULL ||
            (c->name != NULL && strcmp(c->name, x->signals[i].name) != 0)) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": batch column %zu is \"%s\" of %s",
                     x->channel, x->signals[i].name, i, c->name ? c->name : "(null)",
                     c->data ? pivot_type_name(c->type) : "no data");
            rc = PIVOT_EINVAL;
            goto out;
        }
    }
out:
    return rc;
}

int hx_append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    hx_export *x = exp;
    const hsize_t count = batch->count;
    hid_t mem_space = H5I_INVALID_HID;
    int rc = 0;

    if (x->group < 0) {
        snprintf(err, errlen, "hdf5 export: batch appended outside of a channel");
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (count == 0)
        goto out;
    rc = check_batch(x, batch, err, errlen);
    if (rc != 0)
        goto out;
    mem_space = H5Screate_simple(1, &count, NULL);
    if (mem_space < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Screate_simple", "channel \"%s\"", x->channel);
        goto out;
    }
    rc = write_slab(x->time, H5T_NATIVE_INT64, mem_space, x->length, count, batch->time, x->channel,
                    "time", err, errlen);
    for (size_t i = 0; rc == 0 && i < x->nsignals; i++)
        rc = write_slab(x->signals[i].dset, x->signals[i].mem_type, mem_space, x->length, count,
                        batch->columns[i].data, x->channel, x->signals[i].name, err, errlen);
    if (rc == 0)
        x->length += count;
out:
    if (mem_space >= 0)
        H5Sclose(mem_space);
    return rc;
}

static int write_channel_summary(hx_export *x, const pivot_channel_summary *s, char *err,
                                 size_t errlen)
{
    char where[300];
    int rc;

    snprintf(where, sizeof(where), "channel \"%s\"", x->channel);
    rc = hx_attr_uint64(x->group, "sample_count", x->length, where, err, errlen);
    if (rc != 0 || x->length == 0)
        goto out;
    rc = hx_attr_range(x->group, x->str_type, "actual", s->actual.start_ns, s->actual.end_ns, where,
                       err, errlen);
out:
    return rc;
}

int hx_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen)
{
    hx_export *x = exp;
    int rc = 0;

    if (x->group < 0) {
        snprintf(err, errlen, "hdf5 export: channel ended without being begun");
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (summary == NULL ||
        summary->size < offsetof(pivot_channel_summary, actual) + sizeof(summary->actual) ||
        summary->samples != x->length) {
        snprintf(err, errlen, "channel \"%s\": summary counts %llu samples, %llu were appended",
                 x->channel, summary ? (unsigned long long)summary->samples : 0ULL,
                 (unsigned long long)x->length);
        rc = PIVOT_EINVAL;
        goto out;
    }
    rc = write_channel_summary(x, summary, err, errlen);
out:
    hx_channel_release(x);
    return rc;
}

void hx_channel_release(hx_export *x)
{
    for (size_t i = 0; i < x->nsignals; i++) {
        if (x->signals[i].dset >= 0)
            H5Dclose(x->signals[i].dset);
        free(x->signals[i].name);
    }
    free(x->signals);
    x->signals = NULL;
    x->nsignals = 0;
    if (x->time >= 0)
        H5Dclose(x->time);
    if (x->group >= 0)
        H5Gclose(x->group);
    x->time = x->group = H5I_INVALID_HID;
    free(x->channel);
    x->channel = NULL;
    x->length = 0;
}
