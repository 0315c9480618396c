#include "abi_check.h"

#include <stdio.h>

/* Writes the refusal of a struct too small, naming the struct and the fix. */
static int too_small(const char *what, const char *type, size_t size, size_t need, char *err,
                     size_t errlen)
{
    snprintf(err, errlen,
             "the data source's plugin is broken: %s has size %zu, smaller than %s in plugin "
             "ABI %d (%zu); it must set size = sizeof(%s)",
             what, size, type, PIVOT_ABI_MAJOR, need, type);
    return PIVOT_EIO;
}

static int check_info(const pivot_channel_info *info, char *err, size_t errlen)
{
    const size_t need = PV_SIZE_FIRST(pivot_channel_info, time_unit_source);
    const size_t need_detail = PV_SIZE_FIRST(pivot_signal_detail, source_type);

    if (info->size < need)
        return too_small("the channel description", "pivot_channel_info", info->size, need, err,
                         errlen);
    for (size_t i = 0; info->details != NULL && i < info->nsignals; i++) {
        const pivot_signal_detail *d = info->details[i];
        if (d != NULL && d->size < need_detail)
            return too_small("a signal detail", "pivot_signal_detail", d->size, need_detail, err,
                             errlen);
    }
    return 0;
}

int pv_source_describe(const pivot_source *source, void *ctx, const char *channel,
                       pivot_channel_info **out, char *err, size_t errlen)
{
    int rc;

    *out = NULL;
    rc = source->describe(ctx, channel, out, err, errlen);
    if (rc != 0 || *out == NULL)
        return rc;
    rc = check_info(*out, err, errlen);
    if (rc != 0) {
        source->free_info(ctx, *out);
        *out = NULL;
    }
    return rc;
}

int pv_source_batch_check(const pivot_batch *batch, char *err, size_t errlen)
{
    const size_t need = PV_SIZE_FIRST(pivot_batch, valid);

    if (batch->size < need)
        return too_small("a batch", "pivot_batch", batch->size, need, err, errlen);
    return 0;
}
