/* The scripted source's and recording exporter's common parts; see pipeline_support.h. */
#include "pipeline_support.h"

#include <stdlib.h>

pivot_channel_info *ps_info_new(int *infos_live)
{
    pivot_channel_info *info = calloc(1, sizeof(*info));

    if (info == NULL)
        return NULL;
    info->size = sizeof(*info);
    (*infos_live)++;
    return info;
}

void ps_free_info(void *ctx, pivot_channel_info *info)
{
    int *infos_live = ctx;

    if (info != NULL)
        (*infos_live)--;
    free(info);
}

pv_pipeline ps_pipeline(const pivot_source *source, void *source_ctx,
                        const pivot_exporter *exporter, void *exp, pivot_range range,
                        const pv_pipeline_channel *channels, size_t nchannels)
{
    pv_pipeline p = {
        .source = source,
        .source_ctx = source_ctx,
        .exporter = exporter,
        .exp = exp,
        .range = range,
        .channels = channels,
        .nchannels = nchannels,
    };
    return p;
}
