/*
 * The size of the .mat file, for dry runs. MAT 5 follows the accounting
 * the exporter keeps to choose the version (export_channel.c): each field's
 * values uncompressed, a 64-byte element header per field and per cell,
 * strings counted at 8 characters (16 bytes of UTF-16); MAT 5 is always
 * deflated, so the file is smaller than this. MAT 7.3 is an HDF5 file:
 * the same values plus a fixed cost per dataset, and each cell its own
 * dataset. Pure arithmetic: runs on the server's HTTP threads.
 */
#include "mat_export.h"

#include <string.h>

/* As export_channel.c counts a MAT 5 element's header. */
#define MAT5_ELEMENT 64
/* A MAT 5 file's header, and the pivot_export variable besides the request. */
#define MAT5_FILE 128
#define META 2048
/* MAT 7.3: a dataset's object header, attributes and index, measured on
 * files this exporter wrote; a cell's element is a dataset of its own. */
#define MAT73_FILE 4096
#define MAT73_DATASET 1200
#define MAT73_CELL 390
/* Content of a string or variable bytes element as counted. */
#define CELL_CONTENT 16

static uint64_t value_bytes(pivot_type t)
{
    switch (t) {
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
        return 8;
    case PIVOT_TYPE_BOOL:
        return 1;
    default:
        return 4;
    }
}

/* Bytes of one channel's struct: time, time_ns, each signal, its mask, its symbols. */
static uint64_t channel_bytes(const pivot_estimate_channel *c, int mat73)
{
    const pivot_channel_info *ch = c->channel;
    const uint64_t dataset = mat73 ? MAT73_DATASET : MAT5_ELEMENT;
    const uint64_t cell = mat73 ? MAT73_CELL : MAT5_ELEMENT;
    uint64_t rows = c->rows, total = dataset + 2 * (dataset + 8 * rows);

    for (size_t k = 0; k < ch->nsignals; k++) {
        pivot_signal_detail d;
        pivot_type t = ch->signals[k].type;

        pivot_signal_detail_read(ch->details[k], &d);
        if (t == PIVOT_TYPE_STRING || (t == PIVOT_TYPE_BYTES && d.fixed_size == 0))
            total += dataset + rows * (cell + CELL_CONTENT);
        else if (t == PIVOT_TYPE_BYTES)
            total += dataset + rows * (cell + ((uint64_t)d.fixed_size + 7) / 8 * 8);
        else
            total += dataset + rows * value_bytes(t);
        if (d.nullable)
            total += dataset + rows;
        if (t == PIVOT_TYPE_ENUM)
            total += dataset + (uint64_t)d.nsymbols * (cell + CELL_CONTENT);
    }
    return total;
}

int mx_estimate(const pivot_export_info *info, const pivot_estimate_channel *const *channels,
                size_t nchannels, uint64_t *bytes, char *err, size_t errlen)
{
    mx_version version = mx_job_version(info);
    uint64_t mat5 = MAT5_FILE, mat73 = MAT73_FILE, meta;

    (void)err;
    (void)errlen;
    meta = META + (info->request_json != NULL ? strlen(info->request_json) : 0);
    for (size_t i = 0; i < nchannels; i++) {
        mat5 += channel_bytes(channels[i], 0);
        mat73 += channel_bytes(channels[i], 1);
    }
    /* auto picks MAT 5 while the values fit MATLAB's 2 GiB, as close does. */
    if (version == MX_VERSION_AUTO)
        version = (double)mat5 < MX_MAT5_LIMIT ? MX_VERSION_5 : MX_VERSION_73;
    *bytes = meta + (version == MX_VERSION_73 ? mat73 : mat5);
    return 0;
}
