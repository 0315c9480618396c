/*
 * Most columns go to HDF5 as they are. Bytes do not: pivot_bytes is not
 * laid out as HDF5's hvl_t, and an opaque type wants its elements packed
 * end to end, so those are rearranged in the export's scratch buffer.
 */
#include "signal_write.h"

#include "direct_chunks.h"
#include "null_mask.h"
#include "string_column.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* An index HDF5 would store as all ones (no such member) is a source fault: refuse it. */
static int check_enum(const hx_export *x, const hx_signal *s, const int32_t *index, hsize_t count,
                      char *err, size_t errlen)
{
    int rc = 0;

    for (hsize_t i = 0; s->nsymbols > 0 && i < count; i++) {
        if (index[i] < 0 || (size_t)index[i] >= s->nsymbols) {
            snprintf(err, errlen,
                     "channel \"%s\" signal \"%s\": sample %llu holds enum index %ld, "
                     "the signal has %zu symbols",
                     x->channel, s->name, (unsigned long long)(x->length + i), (long)index[i],
                     s->nsymbols);
            rc = PIVOT_EINVAL;
            goto out;
        }
    }
out:
    return rc;
}

/* Variable-length bytes as hvl_t, pointing into the column's own bytes. */
static int vlen_elements(hx_export *x, const pivot_bytes *v, hsize_t count, const void **out,
                         char *err, size_t errlen)
{
    hvl_t *seq;
    int rc = 0;

    if (count > SIZE_MAX / sizeof(hvl_t)) {
        snprintf(err, errlen, "channel \"%s\": batch of %llu samples too large", x->channel,
                 (unsigned long long)count);
        rc = PIVOT_ERANGE;
        goto out;
    }
    seq = hx_scratch(x, count * sizeof(hvl_t), err, errlen);
    if (seq == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    for (hsize_t i = 0; i < count; i++) {
        seq[i].len = v[i].len;
        /* HDF5 only reads through p when writing. */
        seq[i].p = (void *)(uintptr_t)v[i].data;
    }
    *out = seq;
out:
    return rc;
}

/*
 * Fixed-size bytes packed end to end. An empty element is the fill (a null,
 * or a sample of a file without the field) and becomes zero bytes; any
 * other length is refused.
 */
static int fixed_elements(hx_export *x, const hx_signal *s, const pivot_bytes *v, hsize_t count,
                          const void **out, char *err, size_t errlen)
{
    const size_t size = s->fixed_size;
    uint8_t *packed;
    int rc = 0;

    if (count > SIZE_MAX / size) {
        snprintf(err, errlen, "channel \"%s\" signal \"%s\": batch of %llu samples too large",
                 x->channel, s->name, (unsigned long long)count);
        rc = PIVOT_ERANGE;
        goto out;
    }
    packed = hx_scratch(x, count * size, err, errlen);
    if (packed == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    for (hsize_t i = 0; i < count; i++) {
        if (v[i].len == size) {
            memcpy(packed + i * size, v[i].data, size);
        } else if (v[i].len == 0) {
            memset(packed + i * size, 0, size);
        } else {
            snprintf(err, errlen,
                     "channel \"%s\" signal \"%s\": sample %llu has %zu bytes, "
                     "the signal's fixed size is %zu",
                     x->channel, s->name, (unsigned long long)(x->length + i), v[i].len, size);
            rc = PIVOT_EINVAL;
            goto out;
        }
    }
    *out = packed;
out:
    return rc;
}

int hx_signal_append(hx_export *x, hx_signal *s, const pivot_column *col, const uint8_t *valid,
                     hid_t mem_space, hsize_t count, char *err, size_t errlen)
{
    const void *data = col->data;
    int rc = 0;

    if (s->type == PIVOT_TYPE_STRING) {
        rc = hx_str_append(x, s, col->data, mem_space, count, err, errlen);
        goto mask;
    }
    if (s->type == PIVOT_TYPE_ENUM) {
        rc = check_enum(x, s, col->data, count, err, errlen);
    } else if (s->type == PIVOT_TYPE_BYTES) {
        rc = s->fixed_size > 0 ? fixed_elements(x, s, col->data, count, &data, err, errlen)
                               : vlen_elements(x, col->data, count, &data, err, errlen);
    }
    if (rc != 0)
        goto out;
    rc = hx_column_append(x, s->direct, s->dset, s->mem_type, mem_space, data, count, s->name, err,
                          errlen);
mask:
    if (rc == 0 && s->nullable)
        rc = hx_mask_append(x, s, valid, mem_space, count, err, errlen);
out:
    return rc;
}
