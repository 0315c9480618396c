/*
 * span: a channel's time span and approximate rate from the ends of its
 * data. The first record of the oldest readable file gives the start; the
 * newest readable file, read through, gives the end and the rate (its record
 * count over its own span), so the cost is one file however long the cache.
 */
#include "avro_source.h"
#include "channel_dir.h"
#include "file_list.h"
#include "record_reader.h"
#include "record_schema.h"

#include <stdlib.h>
#include <string.h>

/* What one file says about the channel's time. */
typedef struct file_times {
    int64_t first;
    int64_t last;
    uint64_t count;
} file_times;

/*
 * Reads the times of one file: only its first record when `whole` is 0.
 * Returns 1 with at least one record, 0 when the file holds none or cannot
 * be read (damaged files are passed over, as a scan does), PIVOT_ENOMEM.
 */
static int read_times(const char *path, int whole, file_times *ft)
{
    pva_schema schema = {0};
    pva_record_reader *reader = NULL;
    char msg[PIVOT_ERRMSG_SIZE];
    int64_t t;
    int rc;

    memset(ft, 0, sizeof(*ft));
    rc = pva_schema_load(path, &schema, msg, sizeof(msg));
    if (rc == PIVOT_ENOMEM)
        goto out;
    if (rc != 0 || schema.time_index < 0) {
        rc = 0;
        goto out;
    }
    rc = pva_reader_open(path, &schema, &reader, msg, sizeof(msg));
    if (rc != 0) {
        rc = rc == PIVOT_ENOMEM ? rc : 0;
        goto out;
    }
    /* A damaged tail ends the file where the readable part ends. */
    while (pva_reader_next(reader, &t, msg, sizeof(msg)) == 1) {
        if (ft->count == 0)
            ft->first = t;
        ft->last = t;
        ft->count++;
        if (!whole)
            break;
    }
    rc = ft->count > 0;
out:
    pva_reader_close(reader);
    pva_schema_clear(&schema);
    return rc;
}

int pva_span(void *ctx, const char *channel, pivot_range *out, double *rate_hz, char *err,
             size_t errlen)
{
    pva_instance *inst = ctx;
    pva_file_list files = {0};
    file_times head = {0}, tail = {0};
    char *dir = NULL;
    size_t oldest = 0, newest;
    int rc;

    out->start_ns = 0;
    out->end_ns = 0;
    *rate_hz = 0.0;
    rc = pva_channel_dir(inst, channel, &dir, err, errlen);
    if (rc != 0)
        return rc;
    rc = pva_file_list_read(inst, dir, NULL, &files, err, errlen);
    if (rc != 0)
        goto out;
    for (newest = files.count; newest > 0; newest--) {
        rc = read_times(files.files[newest - 1].path, 1, &tail);
        if (rc < 0)
            goto out;
        if (rc == 1)
            break;
    }
    rc = 0;
    if (newest == 0)
        goto out; /* no readable sample at all */
    for (; oldest < newest - 1; oldest++) {
        rc = read_times(files.files[oldest].path, 0, &head);
        if (rc < 0)
            goto out;
        if (rc == 1)
            break;
    }
    if (oldest == newest - 1)
        head = tail;
    rc = 0;
    out->start_ns = head.first < tail.first ? head.first : tail.first;
    out->end_ns = tail.last + 1;
    if (tail.count > 1 && tail.last > tail.first)
        *rate_hz = (double)(tail.count - 1) * 1e9 / (double)(tail.last - tail.first);
out:
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory reading the span of \"%s\"", channel);
    pva_file_list_free(&files);
    free(dir);
    return rc;
}
