#include "estimate.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes the generic estimate gives one value of a signal. */
static uint64_t generic_element(pivot_type type, const pivot_signal_detail *d)
{
    switch (type) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_FLOAT32:
    case PIVOT_TYPE_ENUM:
        return 4;
    case PIVOT_TYPE_BOOL:
        return 1;
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
        return 8;
    case PIVOT_TYPE_BYTES:
        if (d != NULL && d->fixed_size > 0)
            return d->fixed_size;
        return 16;
    case PIVOT_TYPE_STRING:
        return 16;
    }
    return 8;
}

uint64_t pv_estimate_generic(const pivot_estimate_channel *const *channels, size_t n)
{
    uint64_t bytes = 0;

    for (size_t i = 0; i < n; i++) {
        const pivot_channel_info *ch = channels[i]->channel;
        uint64_t row = 8; /* the time */
        for (size_t k = 0; k < ch->nsignals; k++)
            row += generic_element(ch->signals[k].type, ch->details[k]);
        bytes += row * channels[i]->rows;
    }
    return bytes;
}

pv_estimate_basis pv_estimate_bytes(const pivot_exporter *e, const pivot_export_info *info,
                                    const pivot_estimate_channel *const *channels, size_t n,
                                    uint64_t *bytes)
{
    char err[PIVOT_ERRMSG_SIZE] = "";

    if (PIVOT_HAS_MEMBER(e, pivot_exporter, estimate) && e->estimate != NULL) {
        int rc = e->estimate(info, channels, n, bytes, err, sizeof(err));
        if (rc == 0)
            return PV_ESTIMATE_EXPORTER;
        /* A dry run still answers: the generic figure, marked as such. */
        pv_log(PIVOT_LOG_WARNING, "pivotd", "the \"%s\" exporter's estimate failed (%d): %s",
               e->name, rc, err[0] != '\0' ? err : "no message");
    }
    *bytes = pv_estimate_generic(channels, n);
    return PV_ESTIMATE_GENERIC;
}

static const pivot_signal_info *find_signal(const pivot_channel_info *info, const char *name)
{
    for (size_t k = 0; info != NULL && k < info->nsignals; k++)
        if (strcmp(info->signals[k].name, name) == 0)
            return &info->signals[k];
    return NULL;
}

int pv_estimate_channel_init(pv_estimate_channel *c, const char *name,
                             const pivot_channel_info *info, const char *const *signals, size_t n,
                             const pv_decimation *d, int64_t origin_ns, uint64_t rows, char *err,
                             size_t errlen)
{
    static const pivot_channel_info undescribed = {.size = sizeof(pivot_channel_info)};
    const pivot_signal_info *out;
    const pivot_signal_detail *out_details;
    size_t nout = n;
    int rc = 0;

    memset(c, 0, sizeof(*c));
    c->sigs = calloc(n > 0 ? n : 1, sizeof(*c->sigs));
    c->details = calloc(n > 0 ? n : 1, sizeof(*c->details));
    if (c->sigs == NULL || c->details == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = PIVOT_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const pivot_signal_info *found = find_signal(info, signals[i]);
        c->sigs[i].name = signals[i];
        c->sigs[i].type = found != NULL ? found->type : PIVOT_TYPE_FLOAT64;
        pivot_signal_detail_read(pv_export_signal_detail_find(info, signals[i]), &c->details[i]);
    }
    out = c->sigs;
    out_details = c->details;
    if (d->method != PV_DECIMATE_NONE) {
        rc = pv_decimator_new(d, origin_ns, c->sigs, c->details, n, &c->decimator, err, errlen);
        if (rc != 0)
            goto out;
        out = pv_decimator_signals(c->decimator, &nout);
        out_details = pv_decimator_details(c->decimator);
    }
    rc = pv_export_channel_init(&c->ec, name, info != NULL ? info : &undescribed, out, out_details,
                                nout);
    if (rc != 0) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    c->est.size = sizeof(c->est);
    c->est.channel = &c->ec.info;
    c->est.rows = rows;
out:
    return rc;
}

void pv_estimate_channel_free(pv_estimate_channel *c)
{
    pv_export_channel_free(&c->ec);
    pv_decimator_free(c->decimator);
    free(c->sigs);
    free(c->details);
    memset(c, 0, sizeof(*c));
}
