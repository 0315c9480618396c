#include "pipeline.h"

#include "log.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Why a scan was stopped from inside the sink. */
enum stop_reason { STOP_NONE = 0, STOP_EXPORTER, STOP_CANCEL, STOP_BAD_BATCH };

/* The state of one channel's scan, shared with the sink callbacks. */
typedef struct channel_run {
    const pv_pipeline *p;
    pv_pipeline_result *res;
    size_t index; /* of the channel in p->channels */
    const pv_pipeline_channel *channel;
    uint64_t samples;
    int64_t first_ns;
    int64_t last_ns;
    enum stop_reason stop;
    int stop_rc;
    char stop_err[PIVOT_ERRMSG_SIZE];
} channel_run;

void pv_pipeline_format_label(const pivot_exporter *exporter, char *out, size_t len)
{
    const char *name = exporter != NULL && exporter->name != NULL ? exporter->name : "output";
    size_t i = 0;

    if (len == 0)
        return;
    for (; name[i] != '\0' && i + 1 < len; i++)
        out[i] = (char)toupper((unsigned char)name[i]);
    out[i] = '\0';
}

/* Progress is whole channels done plus the share of the current channel's
 * range that its last batch reached; 100 is left for the caller, who still
 * has to finish the file. */
static double overall_percent(const pv_pipeline *p, size_t done, double fraction)
{
    if (p->nchannels == 0)
        return 0.0;
    if (fraction < 0.0)
        fraction = 0.0;
    if (fraction > 1.0)
        fraction = 1.0;
    double percent = 100.0 * ((double)done + fraction) / (double)p->nchannels;
    return percent > 99.0 ? 99.0 : percent;
}

/* Reports progress; returns non-zero when the caller wants to stop. */
static int report_progress(const pv_pipeline *p, pv_pipeline_result *res, double percent)
{
    res->percent = percent;
    return p->progress != NULL ? p->progress(p->progress_arg, percent) : 0;
}

static double range_fraction(pivot_range range, int64_t last_ns)
{
    /* In doubles: end - start can overflow int64 for an unbounded range. */
    double span = (double)range.end_ns - (double)range.start_ns;
    if (span <= 0.0)
        return 1.0;
    return ((double)last_ns - (double)range.start_ns + 1.0) / span;
}

static int on_batch(void *arg, const pivot_batch *batch)
{
    channel_run *cr = arg;
    const pv_pipeline *p = cr->p;

    if (batch->ncolumns != cr->channel->nsignals) {
        cr->stop = STOP_BAD_BATCH;
        cr->stop_rc = PIVOT_EINVAL;
        snprintf(cr->stop_err, sizeof(cr->stop_err),
                 "the data source delivered a batch of %zu columns, %zu were asked for",
                 batch->ncolumns, cr->channel->nsignals);
        return cr->stop_rc;
    }
    if (batch->count > 0) {
        cr->stop_err[0] = '\0';
        int rc = p->exporter->append(p->exp, batch, cr->stop_err, sizeof(cr->stop_err));
        if (rc != 0) {
            cr->stop = STOP_EXPORTER;
            cr->stop_rc = rc < 0 ? rc : PIVOT_EIO;
            return cr->stop_rc;
        }
        if (cr->samples == 0)
            cr->first_ns = batch->time[0];
        cr->last_ns = batch->time[batch->count - 1];
        cr->samples += batch->count;
    }
    double fraction = cr->samples > 0 ? range_fraction(p->range, cr->last_ns) : 0.0;
    if (report_progress(p, cr->res, overall_percent(p, cr->index, fraction)) != 0) {
        cr->stop = STOP_CANCEL;
        cr->stop_rc = PIVOT_ECANCELED;
        return cr->stop_rc;
    }
    return 0;
}

/* Source warnings are not fatal (a damaged file skipped): log them, keep
 * the first few for the caller. */
static void on_warning(void *arg, const char *message)
{
    channel_run *cr = arg;
    pv_pipeline_result *res = cr->res;

    pv_log(PIVOT_LOG_WARNING, "pipeline", "channel \"%s\": %s", cr->channel->name,
           message != NULL ? message : "(no message)");
    if (res->nwarnings < PV_PIPELINE_MAX_WARNINGS)
        snprintf(res->warnings[res->nwarnings], sizeof(res->warnings[0]), "channel \"%s\": %s",
                 cr->channel->name, message != NULL ? message : "");
    res->nwarnings++;
}

/* Maps the requested signal names to the source's descriptions (types), in
 * the requested order. The names in *out point into info. */
static int match_signals(const pv_pipeline_channel *ch, const pivot_channel_info *info,
                         pivot_signal_info **out, char *err, size_t errlen)
{
    pivot_signal_info *sigs = calloc(ch->nsignals > 0 ? ch->nsignals : 1, sizeof(*sigs));
    if (sigs == NULL) {
        snprintf(err, errlen, "channel \"%s\": out of memory", ch->name);
        return PIVOT_ENOMEM;
    }
    for (size_t i = 0; i < ch->nsignals; i++) {
        const pivot_signal_info *found = NULL;
        for (size_t j = 0; j < info->nsignals && found == NULL; j++)
            if (strcmp(info->signals[j].name, ch->signals[i]) == 0)
                found = &info->signals[j];
        if (found == NULL) {
            snprintf(err, errlen,
                     "channel \"%s\": signal \"%s\" is no longer in the channel's schema", ch->name,
                     ch->signals[i]);
            free(sigs);
            return PIVOT_ENOENT;
        }
        sigs[i] = *found;
    }
    *out = sigs;
    return 0;
}

static void add_to_summary(pivot_export_summary *s, const pivot_channel_summary *ch)
{
    s->channels++;
    if (ch->samples == 0)
        return;
    if (s->samples == 0 || ch->actual.start_ns < s->actual.start_ns)
        s->actual.start_ns = ch->actual.start_ns;
    if (s->samples == 0 || ch->actual.end_ns > s->actual.end_ns)
        s->actual.end_ns = ch->actual.end_ns;
    s->samples += ch->samples;
}

static int run_channel(const pv_pipeline *p, size_t index, pv_pipeline_result *res, char *err,
                       size_t errlen)
{
    const pv_pipeline_channel *ch = &p->channels[index];
    pivot_channel_info *info = NULL;
    pivot_signal_info *sigs = NULL;
    char label[32];
    char msg[PIVOT_ERRMSG_SIZE] = "";
    channel_run cr = {.p = p, .res = res, .index = index, .channel = ch};
    pivot_scan_sink sink = {.arg = &cr, .batch = on_batch, .warning = on_warning};
    pivot_channel_summary summary = {.size = sizeof(summary)};
    int rc;

    pv_pipeline_format_label(p->exporter, label, sizeof(label));
    rc = p->source->describe(p->source_ctx, ch->name, &info, msg, sizeof(msg));
    if (rc == PIVOT_ENOENT) {
        snprintf(err, errlen, "channel \"%s\": not found in the data source", ch->name);
        goto out;
    }
    if (rc != 0) {
        snprintf(err, errlen, "channel \"%s\": %s", ch->name,
                 msg[0] ? msg : "describing the channel failed");
        goto out;
    }
    rc = match_signals(ch, info, &sigs, err, errlen);
    if (rc != 0)
        goto out;

    msg[0] = '\0';
    rc = p->exporter->begin_channel(p->exp, info, sigs, ch->nsignals, msg, sizeof(msg));
    if (rc != 0) {
        snprintf(err, errlen, "channel \"%s\": writing the %s file failed: %s", ch->name, label,
                 msg[0] ? msg : "begin_channel failed");
        goto out;
    }

    msg[0] = '\0';
    rc = p->source->scan(p->source_ctx, ch->name, ch->signals, ch->nsignals, p->range, &sink, msg,
                         sizeof(msg));
    switch (cr.stop) {
    case STOP_CANCEL:
        rc = PIVOT_ECANCELED;
        snprintf(err, errlen, "cancelled");
        goto out;
    case STOP_EXPORTER:
        rc = cr.stop_rc;
        snprintf(err, errlen, "channel \"%s\": writing the %s file failed: %s", ch->name, label,
                 cr.stop_err[0] ? cr.stop_err : "append failed");
        goto out;
    case STOP_BAD_BATCH:
        rc = cr.stop_rc;
        snprintf(err, errlen, "channel \"%s\": %s", ch->name, cr.stop_err);
        goto out;
    case STOP_NONE:
        break;
    }
    if (rc != 0) {
        if (rc > 0)
            rc = PIVOT_EIO;
        snprintf(err, errlen, "channel \"%s\": %s", ch->name,
                 msg[0] ? msg : "reading the channel failed");
        goto out;
    }

    summary.samples = cr.samples;
    if (cr.samples > 0) {
        summary.actual.start_ns = cr.first_ns;
        summary.actual.end_ns = cr.last_ns + 1;
    }
    msg[0] = '\0';
    rc = p->exporter->end_channel(p->exp, &summary, msg, sizeof(msg));
    if (rc != 0) {
        snprintf(err, errlen, "channel \"%s\": writing the %s file failed: %s", ch->name, label,
                 msg[0] ? msg : "end_channel failed");
        goto out;
    }
    add_to_summary(&res->summary, &summary);
    if (report_progress(p, res, overall_percent(p, index + 1, 0.0)) != 0) {
        rc = PIVOT_ECANCELED;
        snprintf(err, errlen, "cancelled");
    }
out:
    if (rc > 0)
        rc = PIVOT_EIO;
    free(sigs);
    if (info != NULL)
        p->source->free_info(p->source_ctx, info);
    return rc;
}

int pv_pipeline_run(const pv_pipeline *p, pv_pipeline_result *res, char *err, size_t errlen)
{
    int rc = 0;

    memset(res, 0, sizeof(*res));
    res->summary.size = sizeof(res->summary);
    for (size_t i = 0; i < p->nchannels && rc == 0; i++)
        rc = run_channel(p, i, res, err, errlen);
    return rc;
}
