/*
 * span: a channel's time span and approximate rate (that of its newest
 * file's first records) from the bounds of its files, cached: a file is
 * read again only when it changed, so the cost is a stat per file on a
 * warm cache, however long the cache.
 */
#include "avro_source.h"
#include "channel.h"
#include "file_bounds.h"
#include "file_list.h"

#include <stdlib.h>

int pva_span(void *ctx, const char *channel, pivot_range *out, double *rate_hz, char *err,
             size_t errlen)
{
    pva_instance *inst = ctx;
    pva_channel ch = {0};
    pva_file_list files = {0};
    pva_bounds newest = {0};
    pva_bounds *bounds = NULL;
    int rc;

    out->start_ns = 0;
    out->end_ns = 0;
    *rate_hz = 0.0;
    rc = pva_channel_open(inst, channel, &ch, err, errlen);
    if (rc != 0)
        return rc;
    rc = pva_file_list_read(ch.dir, &files, err, errlen);
    if (rc == 0)
        rc = pva_bounds_all(inst, &ch, &files, &bounds);
    for (size_t i = 0; rc == 0 && i < files.count; i++) {
        const pva_bounds *b = &bounds[i];

        if (!b->usable)
            continue;
        if (!newest.usable || b->first_ns < out->start_ns)
            out->start_ns = b->first_ns;
        if (!newest.usable || b->last_ns >= newest.last_ns)
            newest = *b;
    }
    if (rc == 0 && newest.usable) {
        /* Half-open; a time saturated at the largest one ends there. */
        out->end_ns = newest.last_ns < INT64_MAX ? newest.last_ns + 1 : INT64_MAX;
        *rate_hz = newest.rate_hz;
    }
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory reading the channel's span");
    free(bounds);
    pva_file_list_free(&files);
    pva_channel_close(&ch);
    return rc;
}
