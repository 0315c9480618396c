/*
 * Direct chunk writes; see direct_chunks.h.
 *
 * The file must come out the same whatever the number of threads, so every
 * HDF5 call is made at a point fixed by the samples alone: a chunk is
 * written when it is the oldest in flight and the ring (HX_POOL_SLOTS
 * chunks, HX_POOL_BYTES of them) has no room for the next one, or when the
 * channel ends. Just before writing, the dataset is grown to cover the
 * chunk: H5Dwrite_chunk writes only inside the extent.
 */
#include "direct_chunks.h"

#include "chunk_pool.h"
#include "h5_error.h"
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hx_direct_start(hx_export *x, char *err, size_t errlen)
{
    unsigned threads;
    int rc = 0;

    if (x->gzip_level == 0)
        goto out;
    threads = hx_compression_threads();
    if (threads == 0)
        goto out;
    x->pool = hx_pool_new(threads, x->gzip_level, err, errlen);
    if (x->pool == NULL)
        rc = PIVOT_ENOMEM;
out:
    return rc;
}

void hx_direct_stop(hx_export *x)
{
    hx_pool_free(x->pool);
    x->pool = NULL;
}

/* Types whose appended bytes are, or narrow to, the file's bytes: numbers,
 * enums and fixed-size bytes of a little-endian machine. */
static int direct_type(hid_t file_type, size_t src_size)
{
    size_t size = H5Tget_size(file_type);
    H5T_class_t cls = H5Tget_class(file_type);

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    return 0;
#endif
    if (size == 0 || H5Tis_variable_str(file_type) > 0)
        return 0;
    if (cls == H5T_INTEGER || cls == H5T_FLOAT || cls == H5T_OPAQUE)
        return size == src_size;
    /* Enum indices come as int32 and are stored in fewer bytes. */
    return cls == H5T_ENUM && src_size == 4 && size <= 4;
}

hx_direct *hx_direct_open(hx_export *x, hid_t dset, const char *name, hid_t file_type,
                          size_t src_size, hsize_t chunk)
{
    hx_direct *d = NULL, **grown;
    size_t elem_size = H5Tget_size(file_type), bytes;

    if (x->pool == NULL || !direct_type(file_type, src_size) ||
        chunk > HX_DIRECT_CHUNK_MAX_BYTES / elem_size)
        goto out;
    bytes = (size_t)chunk * elem_size;
    if (x->direct_stage_bytes + bytes > HX_DIRECT_STAGE_BYTES)
        goto out;
    grown = realloc(x->directs, (x->ndirects + 1) * sizeof(*x->directs));
    if (grown == NULL)
        goto out;
    x->directs = grown;
    d = calloc(1, sizeof(*d));
    if (d == NULL)
        goto out;
    d->name = strdup(name);
    d->stage = malloc(bytes);
    if (d->name == NULL || d->stage == NULL) {
        free(d->name);
        free(d->stage);
        free(d);
        d = NULL;
        goto out;
    }
    d->dset = dset;
    d->elem_size = elem_size;
    d->src_size = src_size;
    d->chunk = chunk;
    d->stage_cap = bytes;
    x->directs[x->ndirects++] = d;
    x->direct_stage_bytes += bytes;
out:
    return d;
}

/* Writes the oldest chunk in flight into its dataset and frees its slot. */
static int write_oldest(hx_export *x, char *err, size_t errlen)
{
    hx_chunk_job *job = hx_pool_oldest(x->pool);
    hx_direct *d = job->column;
    hsize_t end = job->offset + job->count;
    int rc = 0;

    if (job->out_bytes == 0) {
        snprintf(err, errlen, "channel \"%s\" dataset \"%s\": out of memory compressing a chunk",
                 x->channel, d->name);
        rc = PIVOT_ENOMEM;
        goto out;
    }
    if (end > d->extent) {
        if (H5Dset_extent(d->dset, &end) < 0) {
            rc = hx_fail(PIVOT_EIO, err, errlen, "H5Dset_extent", "channel \"%s\" dataset \"%s\"",
                         x->channel, d->name);
            goto out;
        }
        d->extent = end;
    }
    /* Filter mask 0: every filter of the pipeline (shuffle, deflate) was applied. */
    if (H5Dwrite_chunk(d->dset, H5P_DEFAULT, 0, &job->offset, job->out_bytes, job->out) < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Dwrite_chunk", "channel \"%s\" dataset \"%s\"",
                     x->channel, d->name);
out:
    hx_pool_retire(x->pool);
    return rc;
}

/* Hands d's gathered chunk to the threads, writing older chunks first while there is no room. */
static int submit_stage(hx_export *x, hx_direct *d, char *err, size_t errlen)
{
    /* A whole chunk even at the end: HDF5 stores a filtered edge chunk whole. */
    const size_t bytes = (size_t)d->chunk * d->elem_size;
    hx_chunk_job *job;
    uint8_t *spare;
    size_t spare_cap;
    int rc = 0;

    while (hx_pool_pending(x->pool) > 0 &&
           (hx_pool_pending(x->pool) == HX_POOL_SLOTS ||
            hx_pool_pending_bytes(x->pool) + bytes > HX_POOL_BYTES)) {
        rc = write_oldest(x, err, errlen);
        if (rc != 0)
            goto out;
    }
    job = hx_pool_slot(x->pool, bytes);
    if (job == NULL)
        goto oom;
    /* The gathered chunk becomes the slot's; the slot's old buffer gathers the next one. */
    if (d->staged < d->chunk)
        memset(d->stage + d->staged * d->elem_size, 0,
               (size_t)(d->chunk - d->staged) * d->elem_size);
    spare = job->raw;
    spare_cap = job->raw_cap;
    job->raw = d->stage;
    job->raw_cap = d->stage_cap;
    job->raw_bytes = bytes;
    job->elem_size = d->elem_size;
    job->column = d;
    job->offset = d->stage_offset;
    job->count = d->staged;
    if (spare_cap < bytes) {
        free(spare);
        spare = malloc(bytes);
        spare_cap = bytes;
    }
    d->stage = spare;
    d->stage_cap = spare != NULL ? spare_cap : 0;
    hx_pool_submit(x->pool);
    d->stage_offset += d->staged;
    d->staged = 0;
    if (d->stage == NULL)
        goto oom;
out:
    return rc;
oom:
    snprintf(err, errlen, "channel \"%s\" dataset \"%s\": out of memory for a %zu-byte chunk",
             x->channel, d->name, bytes);
    return PIVOT_ENOMEM;
}

/* Copies n elements into the stage, narrowing enum indices to the file's bytes. */
static void gather(hx_direct *d, const uint8_t *from, hsize_t n)
{
    uint8_t *to = d->stage + d->staged * d->elem_size;

    if (d->src_size == d->elem_size) {
        memcpy(to, from, (size_t)n * d->elem_size);
        return;
    }
    /* Little-endian: the low bytes of an index checked to fit come first. */
    for (hsize_t i = 0; i < n; i++)
        memcpy(to + i * d->elem_size, from + i * d->src_size, d->elem_size);
}

int hx_direct_append(hx_export *x, hx_direct *d, const void *data, hsize_t count, char *err,
                     size_t errlen)
{
    const uint8_t *from = data;
    int rc = 0;

    while (count > 0) {
        hsize_t n = d->chunk - d->staged < count ? d->chunk - d->staged : count;

        gather(d, from, n);
        d->staged += n;
        from += n * d->src_size;
        count -= n;
        if (d->staged == d->chunk) {
            rc = submit_stage(x, d, err, errlen);
            if (rc != 0)
                break;
        }
    }
    return rc;
}

int hx_column_append(hx_export *x, hx_direct *d, hid_t dset, hid_t mem_type, hid_t mem_space,
                     const void *data, hsize_t count, const char *name, char *err, size_t errlen)
{
    if (d != NULL)
        return hx_direct_append(x, d, data, count, err, errlen);
    return hx_write_slab(dset, mem_type, mem_space, x->length, count, data, x->channel, name, err,
                         errlen);
}

int hx_direct_finish_channel(hx_export *x, char *err, size_t errlen)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < x->ndirects; i++)
        if (x->directs[i]->staged > 0)
            rc = submit_stage(x, x->directs[i], err, errlen);
    while (rc == 0 && x->pool != NULL && hx_pool_pending(x->pool) > 0)
        rc = write_oldest(x, err, errlen);
    return rc;
}

void hx_direct_release_channel(hx_export *x)
{
    while (x->pool != NULL && hx_pool_oldest(x->pool) != NULL)
        hx_pool_retire(x->pool);
    for (size_t i = 0; i < x->ndirects; i++) {
        free(x->directs[i]->stage);
        free(x->directs[i]->name);
        free(x->directs[i]);
    }
    free(x->directs);
    x->directs = NULL;
    x->ndirects = 0;
    x->direct_stage_bytes = 0;
}
