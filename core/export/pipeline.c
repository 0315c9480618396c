#include "pipeline.h"

#include "abi_check.h"
#include "channel_select.h"
#include "export_signals.h"
#include "log.h"
#include "pipeline_internal.h"
#include "preview.h"

#include <ctype.h>
#include <stdint.h>
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
    pivot_signal_info *sigs;      /* the requested signals as the source describes them */
    pivot_signal_detail *details; /* their details, complete (pivot_signal_detail_read) */
    const uint8_t **masks;        /* the masks of the batch in hand, one per signal */
    int masked;                   /* some requested signal is nullable */
    uint64_t samples;             /* rows written */
    int64_t first_ns;
    int64_t last_ns;
    pv_decimator *decimator; /* NULL: every sample is written */
    int read_any;            /* a sample was read: read_last_ns is set */
    int64_t read_last_ns;    /* of the last sample read, for progress */
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

/*
 * Hands rows to the exporter and counts them; an emit callback of the
 * decimator. The batch is always one the pipeline built (never the
 * source's own), so it has a `valid` member, NULL or one entry per column.
 */
static int write_rows(void *arg, const pivot_batch *batch)
{
    channel_run *cr = arg;
    const pv_pipeline *p = cr->p;

    if (batch->count == 0)
        return 0;
    cr->stop_err[0] = '\0';
    int rc = p->exporter->append(p->exp, batch, cr->stop_err, sizeof(cr->stop_err));
    if (rc != 0) {
        cr->stop = STOP_EXPORTER;
        cr->stop_rc = rc < 0 ? rc : PIVOT_EIO;
        return cr->stop_rc;
    }
    pv_preview_add(p->preview, batch);
    if (cr->samples == 0)
        cr->first_ns = batch->time[0];
    cr->last_ns = batch->time[batch->count - 1];
    cr->samples += batch->count;
    return 0;
}

/* A decimator's failure of its own (not the exporter's, already recorded). */
static int decimate_failed(channel_run *cr, int rc, const char *msg)
{
    if (cr->stop == STOP_NONE) {
        cr->stop = STOP_BAD_BATCH;
        cr->stop_rc = rc < 0 ? rc : PIVOT_EIO;
        snprintf(cr->stop_err, sizeof(cr->stop_err), "decimating the channel failed: %s",
                 msg[0] ? msg : "unknown error");
    }
    return cr->stop_rc;
}

static int on_batch(void *arg, const pivot_batch *batch)
{
    channel_run *cr = arg;
    const pv_pipeline *p = cr->p;
    char msg[PIVOT_ERRMSG_SIZE] = "";
    pivot_batch in;
    int rc;

    if (pv_source_batch_check(batch, cr->stop_err, sizeof(cr->stop_err)) != 0) {
        cr->stop = STOP_BAD_BATCH;
        cr->stop_rc = PIVOT_EIO;
        return cr->stop_rc;
    }
    if (batch->ncolumns != cr->channel->nsignals) {
        cr->stop = STOP_BAD_BATCH;
        cr->stop_rc = PIVOT_EINVAL;
        snprintf(cr->stop_err, sizeof(cr->stop_err),
                 "the data source delivered a batch of %zu columns, %zu were asked for",
                 batch->ncolumns, cr->channel->nsignals);
        return cr->stop_rc;
    }
    /* The batch as the rest of the pipeline reads it: masks only where the
     * signal is nullable, so that an exporter never meets a mask it was not
     * told about. */
    in =
        (pivot_batch){sizeof(in), batch->count, batch->time, batch->ncolumns, batch->columns, NULL};
    if (cr->masked && batch->valid != NULL) {
        for (size_t k = 0; k < batch->ncolumns; k++)
            cr->masks[k] = cr->details[k].nullable ? batch->valid[k] : NULL;
        in.valid = cr->masks;
    }
    if (cr->decimator != NULL) {
        rc = pv_decimator_feed(cr->decimator, &in, write_rows, cr, msg, sizeof(msg));
        if (rc != 0)
            return decimate_failed(cr, rc, msg);
    } else if ((rc = write_rows(cr, &in)) != 0) {
        return rc;
    }
    if (batch->count > 0) {
        cr->read_any = 1;
        cr->read_last_ns = batch->time[batch->count - 1];
    }
    double fraction = cr->read_any ? range_fraction(p->range, cr->read_last_ns) : 0.0;
    if (report_progress(p, cr->res, overall_percent(p, cr->index, fraction)) != 0) {
        cr->stop = STOP_CANCEL;
        cr->stop_rc = PIVOT_ECANCELED;
        return cr->stop_rc;
    }
    return 0;
}

/*
 * Writes `channel "<name>": [what: ]msg`. A plugin whose message already
 * names the channel ("channel \"ch000\" dataset ...") is not repeated.
 */
static void channel_error(char *err, size_t errlen, const char *channel, const char *what,
                          const char *msg)
{
    char own[PV_CHANNEL_NAME_MAX + 16];
    size_t n = (size_t)snprintf(own, sizeof(own), "channel \"%s\"", channel);

    if (n < sizeof(own) && strncmp(msg, own, n) == 0) {
        msg += n;
        while (*msg == ' ' || *msg == ':')
            msg++;
    }
    if (what != NULL)
        snprintf(err, errlen, "%s: %s: %s", own, what, msg);
    else
        snprintf(err, errlen, "%s: %s", own, msg);
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

/* Finds a signal of the description by name; NULL when it has none of that name. */
static const pivot_signal_info *find_signal(const pivot_channel_info *info, const char *name)
{
    for (size_t j = 0; j < info->nsignals; j++)
        if (strcmp(info->signals[j].name, name) == 0)
            return &info->signals[j];
    return NULL;
}

/* Maps the requested signal names to the source's descriptions (types and
 * details), in the requested order. Names and strings point into info. */
static int match_signals(channel_run *cr, const pivot_channel_info *info, char *err, size_t errlen)
{
    const pv_pipeline_channel *ch = cr->channel;
    size_t n = ch->nsignals > 0 ? ch->nsignals : 1;

    cr->sigs = calloc(n, sizeof(*cr->sigs));
    cr->details = calloc(n, sizeof(*cr->details));
    cr->masks = calloc(n, sizeof(*cr->masks));
    if (cr->sigs == NULL || cr->details == NULL || cr->masks == NULL) {
        snprintf(err, errlen, "channel \"%s\": out of memory", ch->name);
        return PIVOT_ENOMEM;
    }
    for (size_t i = 0; i < ch->nsignals; i++) {
        const pivot_signal_info *found = find_signal(info, ch->signals[i]);
        if (found == NULL) {
            snprintf(err, errlen,
                     "channel \"%s\": signal \"%s\" is no longer in the channel's schema", ch->name,
                     ch->signals[i]);
            return PIVOT_ENOENT;
        }
        cr->sigs[i] = *found;
        pivot_signal_detail_read(pv_export_signal_detail_find(info, ch->signals[i]),
                                 &cr->details[i]);
        cr->masked |= cr->details[i].nullable;
    }
    return 0;
}

/*
 * Works out what the channel's batches carry and what the exporter is told:
 * the requested signals and their details, the decimator, and the exported
 * signals with theirs (*out, *out_details, *nout: the requested ones, or
 * the decimator's).
 */
static int prepare_channel(channel_run *cr, const pivot_channel_info *info,
                           const pivot_signal_info **out, const pivot_signal_detail **out_details,
                           size_t *nout, char *err, size_t errlen)
{
    const pv_pipeline *p = cr->p;
    const pv_pipeline_channel *ch = cr->channel;
    pv_decimator *dc = NULL;
    char msg[PIVOT_ERRMSG_SIZE] = "";
    int rc;

    rc = match_signals(cr, info, err, errlen);
    if (rc != 0)
        return rc;
    *out = cr->sigs;
    *out_details = cr->details;
    *nout = ch->nsignals;
    if (p->decimation.method == PV_DECIMATE_NONE)
        return 0;
    rc = pv_decimator_new(&p->decimation, p->range.start_ns, cr->sigs, cr->details, ch->nsignals,
                          &dc, msg, sizeof(msg));
    if (rc != 0) {
        channel_error(err, errlen, ch->name, NULL, msg);
        return rc;
    }
    cr->decimator = dc;
    *out = pv_decimator_signals(dc, nout);
    *out_details = pv_decimator_details(dc);
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

static int direct_describe(void *arg, size_t index, pivot_channel_info **out, char *msg, size_t len)
{
    const pv_pipeline *p = arg;
    return pv_source_describe(p->source, p->source_ctx, p->channels[index].name, out, msg, len);
}

static int direct_scan(void *arg, size_t index, const pivot_scan_sink *sink, char *msg, size_t len)
{
    const pv_pipeline *p = arg;
    const pv_pipeline_channel *ch = &p->channels[index];
    return p->source->scan(p->source_ctx, ch->name, ch->signals, ch->nsignals, p->range, sink, msg,
                           len);
}

static void direct_free_info(void *arg, pivot_channel_info *info)
{
    const pv_pipeline *p = arg;
    p->source->free_info(p->source_ctx, info);
}

int pv_pipeline_run_channel(const pv_pipeline *p, const pv_channel_feed *feed, size_t index,
                            pv_pipeline_result *res, char *err, size_t errlen)
{
    const pv_pipeline_channel *ch = &p->channels[index];
    pivot_channel_info *info = NULL;
    const pivot_signal_info *out_sigs = NULL;
    const pivot_signal_detail *out_details = NULL;
    size_t nout = 0;
    pv_export_channel view = {0}; /* the channel as begin_channel is told it */
    char label[32];
    char what[64];
    char msg[PIVOT_ERRMSG_SIZE] = "";
    channel_run cr = {.p = p, .res = res, .index = index, .channel = ch};
    pivot_scan_sink sink = {
        .size = sizeof(sink), .arg = &cr, .batch = on_batch, .warning = on_warning};
    pivot_channel_summary summary = {.size = sizeof(summary)};
    int rc;

    pv_pipeline_format_label(p->exporter, label, sizeof(label));
    rc = feed->describe(feed->arg, index, &info, msg, sizeof(msg));
    if (rc == PIVOT_ENOENT) {
        snprintf(err, errlen, "channel \"%s\": not found in the data source", ch->name);
        goto out;
    }
    if (rc != 0) {
        channel_error(err, errlen, ch->name, NULL, msg[0] ? msg : "describing the channel failed");
        goto out;
    }
    rc = prepare_channel(&cr, info, &out_sigs, &out_details, &nout, err, errlen);
    if (rc != 0)
        goto out;
    rc = pv_export_channel_init(&view, ch->name, info, out_sigs, out_details, nout);
    if (rc != 0) {
        snprintf(err, errlen, "channel \"%s\": out of memory", ch->name);
        goto out;
    }

    msg[0] = '\0';
    rc = p->exporter->begin_channel(p->exp, &view.info, out_sigs, nout, msg, sizeof(msg));
    if (rc != 0) {
        snprintf(what, sizeof(what), "writing the %s file failed", label);
        channel_error(err, errlen, ch->name, what, msg[0] ? msg : "begin_channel failed");
        goto out;
    }

    /* Out of memory for the preview leaves it incomplete, not the export. */
    (void)pv_preview_begin_channel(p->preview, ch->name, out_sigs, nout);
    msg[0] = '\0';
    rc = feed->scan(feed->arg, index, &sink, msg, sizeof(msg));
    /* The last bucket is complete once the scan has ended without a fault. */
    if (rc == 0 && cr.stop == STOP_NONE && cr.decimator != NULL) {
        char dmsg[PIVOT_ERRMSG_SIZE] = "";
        int drc = pv_decimator_flush(cr.decimator, write_rows, &cr, dmsg, sizeof(dmsg));
        if (drc != 0)
            decimate_failed(&cr, drc, dmsg);
    }
    switch (cr.stop) {
    case STOP_CANCEL:
        rc = PIVOT_ECANCELED;
        snprintf(err, errlen, "cancelled");
        goto out;
    case STOP_EXPORTER:
        rc = cr.stop_rc;
        snprintf(what, sizeof(what), "writing the %s file failed", label);
        channel_error(err, errlen, ch->name, what, cr.stop_err[0] ? cr.stop_err : "append failed");
        goto out;
    case STOP_BAD_BATCH:
        rc = cr.stop_rc;
        channel_error(err, errlen, ch->name, NULL, cr.stop_err);
        goto out;
    case STOP_NONE:
        break;
    }
    if (rc != 0) {
        if (rc > 0)
            rc = PIVOT_EIO;
        channel_error(err, errlen, ch->name, NULL, msg[0] ? msg : "reading the channel failed");
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
    (void)pv_preview_end_channel(p->preview); /* a write error shows at pv_preview_close */
    add_to_summary(&res->summary, &summary);
    if (p->channel_done != NULL)
        p->channel_done(p->channel_done_arg, index, &summary);
    if (report_progress(p, res, overall_percent(p, index + 1, 0.0)) != 0) {
        rc = PIVOT_ECANCELED;
        snprintf(err, errlen, "cancelled");
    }
out:
    if (rc > 0)
        rc = PIVOT_EIO;
    pv_decimator_free(cr.decimator);
    pv_export_channel_free(&view);
    free(cr.masks);
    free(cr.details);
    free(cr.sigs);
    if (info != NULL && feed->free_info != NULL)
        feed->free_info(feed->arg, info);
    return rc;
}

int pv_pipeline_run(const pv_pipeline *p, pv_pipeline_result *res, char *err, size_t errlen)
{
    pv_channel_feed direct = {direct_describe, direct_scan, direct_free_info, (void *)p};
    int rc = 0;

    memset(res, 0, sizeof(*res));
    res->summary.size = sizeof(res->summary);
    if (p->decoders > 0 && p->nchannels > 0)
        return pv_pipeline_run_lanes(p, res, err, errlen);
    for (size_t i = 0; i < p->nchannels && rc == 0; i++)
        rc = pv_pipeline_run_channel(p, &direct, i, res, err, errlen);
    return rc;
}
