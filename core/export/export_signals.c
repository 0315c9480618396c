#include "export_signals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const pivot_signal_detail *pv_export_signal_detail_find(const pivot_channel_info *info,
                                                        const char *name)
{
    if (info == NULL || info->details == NULL)
        return NULL;
    for (size_t j = 0; j < info->nsignals; j++)
        if (strcmp(info->signals[j].name, name) == 0)
            return info->details[j];
    return NULL;
}

int pv_export_channel_init(pv_export_channel *ec, const char *name, const pivot_channel_info *src,
                           const pivot_signal_info *signals, const pivot_signal_detail *details,
                           size_t n)
{
    memset(ec, 0, sizeof(*ec));
    ec->details = calloc(n > 0 ? n : 1, sizeof(const pivot_signal_detail *));
    if (ec->details == NULL)
        return PIVOT_ENOMEM;
    for (size_t i = 0; i < n; i++)
        ec->details[i] = &details[i];
    ec->info.size = sizeof(ec->info);
    ec->info.name = name;
    ec->info.nsignals = n;
    ec->info.signals = signals;
    ec->info.schema = src->schema;
    ec->info.details = ec->details;
    ec->info.nunsupported = src->unsupported != NULL ? src->nunsupported : 0;
    ec->info.unsupported = src->unsupported;
    ec->info.schema_source = src->schema_source;
    ec->info.time_unit = src->time_unit;
    ec->info.time_unit_source = src->time_unit_source;
    return 0;
}

void pv_export_channel_free(pv_export_channel *ec)
{
    free(ec->details);
    memset(ec, 0, sizeof(*ec));
}
