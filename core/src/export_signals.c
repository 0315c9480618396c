#include "export_signals.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True when a detail of the given size holds member m. */
#define DETAIL_HAS(d, m) PIVOT_HAS_MEMBER(d, pivot_signal_detail, m)

/* True when a description has the members of ABI 1.4 (details, unsupported). */
static int has_details(const pivot_channel_info *info)
{
    /* The macro takes the size of a pointer member, as it means to:
     * NOLINTNEXTLINE(bugprone-sizeof-expression) */
    return PIVOT_HAS_MEMBER(info, pivot_channel_info, unsupported);
}

const pivot_signal_detail *pv_signal_detail_find(const pivot_channel_info *info, const char *name)
{
    if (info == NULL || !has_details(info) || info->details == NULL)
        return NULL;
    for (size_t j = 0; j < info->nsignals; j++)
        if (strcmp(info->signals[j].name, name) == 0)
            return info->details[j];
    return NULL;
}

void pv_signal_detail_copy(const pivot_signal_detail *src, pivot_signal_detail *out)
{
    memset(out, 0, sizeof(*out));
    out->size = sizeof(*out);
    if (src == NULL)
        return;
    /* Members are read one by one: a detail from a later minor is larger,
     * one that grew after 1.4 and was built before would be smaller. */
    if (DETAIL_HAS(src, nullable))
        out->nullable = src->nullable != 0;
    if (DETAIL_HAS(src, symbols)) {
        out->nsymbols = src->nsymbols;
        out->symbols = src->symbols;
    }
    if (DETAIL_HAS(src, fixed_size))
        out->fixed_size = src->fixed_size;
    if (DETAIL_HAS(src, units))
        out->units = src->units;
    if (DETAIL_HAS(src, doc))
        out->doc = src->doc;
    if (DETAIL_HAS(src, source_type))
        out->source_type = src->source_type;
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
    if (has_details(src) && src->unsupported != NULL) {
        ec->info.nunsupported = src->nunsupported;
        ec->info.unsupported = src->unsupported;
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
