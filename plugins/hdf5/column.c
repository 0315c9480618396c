/*
 * The datasets of a channel as columns: creating an empty extendible one
 * with the job's chunking and compression, and appending a batch to it.
 */
#include "h5_error.h"
#include "hdf5_export.h"

#include <stdio.h>
#include <stdlib.h>

/* Chunks of about 128 KiB whatever the element size (16,384 doubles, 32,768
 * int32s, 16,384 strings: HDF5 sizes them as pointers). Whole chunks are
 * allocated, so a short channel wastes at most one chunk per dataset
 * (512 KiB chunks made a 100-sample export 2.6 MB); writes measured
 * 2.65 GB/s against 3.1 GB/s with 512 KiB chunks and 2.4 GB/s with 64 KiB
 * ones (chunk cache off). */
#define HX_CHUNK_BYTES (128 * 1024)
/* HDF5 refuses chunks of 4 GiB or more. */
#define HX_CHUNK_MAX_BYTES UINT64_C(0xffffffff)
/*
 * No chunk cache: an append never reads back or revisits a chunk, so caching
 * only adds a copy of every chunk; without it HDF5 writes each slab straight
 * to its place in the file (~40 % faster measured). Chunks of fixed-size
 * types are not filled with a fill value either: every element gets written.
 */
#define HX_CHUNK_CACHE_BYTES 0
#define HX_CHUNK_CACHE_SLOTS 521

/* HDF5 refuses to skip the fill of variable-length types (strings and sequences). */
static int fill_required(hid_t file_type)
{
    return H5Tis_variable_str(file_type) > 0 || H5Tget_class(file_type) == H5T_VLEN;
}

/* A 1-D column when width is 0, else rows of `width` elements (a character array). */
static hid_t create_column(hx_export *x, const char *name, hid_t file_type, hsize_t chunk,
                           hsize_t width, char *err, size_t errlen)
{
    const int rank = width > 0 ? 2 : 1;
    const hsize_t zero[2] = {0, width}, unlimited[2] = {H5S_UNLIMITED, width};
    const hsize_t chunk_dims[2] = {chunk, width};
    hid_t space = H5I_INVALID_HID, dcpl = H5I_INVALID_HID, dapl = H5I_INVALID_HID;
    hid_t dset = H5I_INVALID_HID;

    space = H5Screate_simple(rank, zero, unlimited);
    if (space < 0) {
        hx_fail(0, err, errlen, "H5Screate_simple", "channel \"%s\" dataset \"%s\"", x->channel,
                name);
        goto out;
    }
    dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0 || H5Pset_chunk(dcpl, rank, chunk_dims) < 0) {
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
    /* No creation and modification times in the dataset's header: the same
     * export gives the same bytes, whenever and with however many threads. */
    if (H5Pset_obj_track_times(dcpl, 0) < 0) {
        hx_fail(0, err, errlen, "H5Pset_obj_track_times", "channel \"%s\" dataset \"%s\"",
                x->channel, name);
        goto out;
    }
    if (!fill_required(file_type) && H5Pset_fill_time(dcpl, H5D_FILL_TIME_NEVER) < 0) {
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

hid_t hx_column_create(hx_export *x, const char *name, hid_t file_type, hsize_t chunk, char *err,
                       size_t errlen)
{
    return create_column(x, name, file_type, chunk, 0, err, errlen);
}

hid_t hx_char_column_create(hx_export *x, const char *name, hid_t char_type, hsize_t chunk,
                            hsize_t width, char *err, size_t errlen)
{
    return create_column(x, name, char_type, chunk, width, err, errlen);
}

uint64_t hx_chunk_for(uint64_t asked, size_t size)
{
    uint64_t elements;

    if (asked > 0)
        elements = asked;
    else
        elements = size > 0 && size < HX_CHUNK_BYTES ? HX_CHUNK_BYTES / size : 1;
    /* Only large fixed-size bytes reach this: fewer elements, never none. */
    if (size > 0 && elements > HX_CHUNK_MAX_BYTES / size)
        elements = HX_CHUNK_MAX_BYTES / size > 0 ? HX_CHUNK_MAX_BYTES / size : 1;
    return elements;
}

hsize_t hx_chunk_elements(const hx_export *x, hid_t file_type)
{
    return hx_chunk_for(x->chunk_elements, H5Tget_size(file_type));
}

int hx_write_slab(hid_t dset, hid_t mem_type, hid_t mem_space, hsize_t start, hsize_t count,
                  const void *data, const char *channel, const char *name, char *err, size_t errlen)
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

void *hx_scratch(hx_export *x, size_t size, char *err, size_t errlen)
{
    void *grown = x->scratch;

    if (size <= x->scratch_size)
        goto out;
    grown = realloc(x->scratch, size);
    if (grown == NULL) {
        snprintf(err, errlen, "channel \"%s\": out of memory for %zu bytes of a batch", x->channel,
                 size);
        goto out;
    }
    x->scratch = grown;
    x->scratch_size = size;
out:
    return grown;
}
