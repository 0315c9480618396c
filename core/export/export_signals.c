#include "export_signals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const pivot_signal_detail *pv_signal_detail_find(const pivot_channel_info *info, const char *name)
{
    if (info == NULL || !pivot_channel_has_details(info))
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
    /* The macro takes the size of a pointer member, as it means to:
     * NOLINTNEXTLINE(bugprone-sizeof-expression) */
    if (PIVOT_HAS_MEMBER(src, pivot_channel_info, unsupported) && src->unsupported != NULL) {
        ec->info.nunsupported = src->nunsupported;
        ec->info.unsupported = src->unsupported;
    }
    if (pivot_channel_has_origin(src)) {
        ec->info.schema_source = src->schema_source;
        ec->info.time_unit = src->time_unit;
        ec->info.time_unit_source = src->time_unit_source;
    }
    return 0;
}

void pv_export_channel_free(pv_export_channel *ec)
{
    free(ec->details);
    memset(ec, 0, sizeof(*ec));
}

int pv_export_signals_check(const char *format, uint32_t abi_minor, const char *channel,
                            const pivot_signal_info *signals, size_t n, char *err, size_t errlen)
{
    if (abi_minor >= PV_ABI_MINOR_SIGNAL_DETAILS)
        return 0;
    for (size_t i = 0; i < n; i++) {
        pivot_type t = signals[i].type;
        if (t != PIVOT_TYPE_ENUM && t != PIVOT_TYPE_BYTES)
            continue;
        snprintf(err, errlen,
                 "format \"%s\" was built against plugin ABI %d.%u and cannot write %s signal "
                 "\"%s/%s\"; leave the signal out, or use a build of the format's plugin for ABI "
                 "%d.%d or later",
                 format, PIVOT_ABI_MAJOR, (unsigned)abi_minor, pivot_type_name(t), channel,
                 signals[i].name, PIVOT_ABI_MAJOR, PV_ABI_MINOR_SIGNAL_DETAILS);
        return PIVOT_ENOTSUP;
    }
    return 0;
}
