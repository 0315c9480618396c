#include "pipeline.h"

#include "log.h"

#include <ctype.h>
#include <pthread.h>
#include <stdatomic.h>
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
    uint64_t samples; /* rows written */
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

/* Hands rows to the exporter and counts them; an emit callback of the decimator. */
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
    int rc;

    if (batch->ncolumns != cr->channel->nsignals) {
        cr->stop = STOP_BAD_BATCH;
        cr->stop_rc = PIVOT_EINVAL;
        snprintf(cr->stop_err, sizeof(cr->stop_err),
                 "the data source delivered a batch of %zu columns, %zu were asked for",
                 batch->ncolumns, cr->channel->nsignals);
        return cr->stop_rc;
    }
    if (cr->decimator != NULL) {
        rc = pv_decimator_feed(cr->decimator, batch, write_rows, cr, msg, sizeof(msg));
        if (rc != 0)
            return decimate_failed(cr, rc, msg);
    } else if ((rc = write_rows(cr, batch)) != 0) {
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

/*
 * Where run_channel gets a channel's description and samples: straight from
 * the source in this thread, or from a decoder thread's queue.
 */
typedef struct channel_feed {
    int (*describe)(void *arg, size_t index, pivot_channel_info **out, char *msg, size_t len);
    int (*scan)(void *arg, size_t index, const pivot_scan_sink *sink, char *msg, size_t len);
    void (*free_info)(void *arg, pivot_channel_info *info);
    void *arg;
} channel_feed;

static int direct_describe(void *arg, size_t index, pivot_channel_info **out, char *msg, size_t len)
{
    const pv_pipeline *p = arg;
    return p->source->describe(p->source_ctx, p->channels[index].name, out, msg, len);
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

static int run_channel(const pv_pipeline *p, const channel_feed *feed, size_t index,
                       pv_pipeline_result *res, char *err, size_t errlen)
{
    const pv_pipeline_channel *ch = &p->channels[index];
    pivot_channel_info *info = NULL;
    pivot_signal_info *sigs = NULL;
    const pivot_signal_info *out_sigs;
    size_t nout;
    char label[32];
    char msg[PIVOT_ERRMSG_SIZE] = "";
    channel_run cr = {.p = p, .res = res, .index = index, .channel = ch};
    pivot_scan_sink sink = {.arg = &cr, .batch = on_batch, .warning = on_warning};
    pivot_channel_summary summary = {.size = sizeof(summary)};
    int rc;

    pv_pipeline_format_label(p->exporter, label, sizeof(label));
    rc = feed->describe(feed->arg, index, &info, msg, sizeof(msg));
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
    out_sigs = sigs;
    nout = ch->nsignals;
    if (p->decimation.method != PV_DECIMATE_NONE) {
        msg[0] = '\0';
        rc = pv_decimator_new(&p->decimation, p->range.start_ns, sigs, ch->nsignals, &cr.decimator,
                              msg, sizeof(msg));
        if (rc != 0) {
            snprintf(err, errlen, "channel \"%s\": %s", ch->name, msg);
            goto out;
        }
        out_sigs = pv_decimator_signals(cr.decimator, &nout);
    }

    msg[0] = '\0';
    rc = p->exporter->begin_channel(p->exp, info, out_sigs, nout, msg, sizeof(msg));
    if (rc != 0) {
        snprintf(err, errlen, "channel \"%s\": writing the %s file failed: %s", ch->name, label,
                 msg[0] ? msg : "begin_channel failed");
        goto out;
    }

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
    free(sigs);
    if (info != NULL && feed->free_info != NULL)
        feed->free_info(feed->arg, info);
    return rc;
}

/* ---- decoder threads ----
 *
 * Each decoder thread (a lane) reads its channels with its own source
 * instance and queues what the source delivers, copied, in a ring of
 * PV_PIPELINE_QUEUE_DEPTH messages. The calling thread takes the channels
 * in order from the lanes' rings and replays them through run_channel, so
 * every exporter and progress call, every message and every total is what
 * the single-threaded run produces, while the next channels are decoded on
 * the other cores. Memory stays bounded by the rings whatever the job. */

enum lane_msg_kind { MSG_BEGIN, MSG_BATCH, MSG_WARNING, MSG_END };

/* One queued event of a lane. */
typedef struct lane_msg {
    enum lane_msg_kind kind;
    int rc;                       /* BEGIN: describe's return; END: scan's */
    char text[PIVOT_ERRMSG_SIZE]; /* BEGIN/END: the message; WARNING: the warning */
    pivot_channel_info *info;     /* BEGIN: owned by the lane */
    pivot_batch batch;            /* BATCH: points into buf and columns */
    pivot_column *columns;
    size_t columns_cap;
    unsigned char *buf;
    size_t buf_cap;
} lane_msg;

/* A description the writer may still be using, freed by its lane once passed. */
typedef struct lane_info {
    size_t index;
    pivot_channel_info *info;
} lane_info;

typedef struct lanes lanes;

typedef struct lane {
    lanes *all;
    size_t id;
    void *ctx; /* source instance of this lane */
    int own_ctx;
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    lane_msg ring[PV_PIPELINE_QUEUE_DEPTH];
    size_t head, tail; /* messages head..tail-1 are queued (counters, not indexes) */
    lane_info *infos;  /* descriptions not freed yet */
    size_t ninfos;
} lane;

struct lanes {
    const pv_pipeline *p;
    size_t n;
    lane *lane;
    atomic_int stop;      /* the writer is done: lanes stop at the next message */
    atomic_size_t passed; /* channels the writer has finished with */
};

/* Waits for a free slot; NULL once the writer has stopped. */
static lane_msg *lane_slot(lane *l)
{
    lane_msg *m = NULL;

    pthread_mutex_lock(&l->mu);
    while (l->tail - l->head == PV_PIPELINE_QUEUE_DEPTH && !atomic_load(&l->all->stop))
        pthread_cond_wait(&l->cv, &l->mu);
    if (!atomic_load(&l->all->stop))
        m = &l->ring[l->tail % PV_PIPELINE_QUEUE_DEPTH];
    pthread_mutex_unlock(&l->mu);
    return m;
}

static void lane_publish(lane *l)
{
    pthread_mutex_lock(&l->mu);
    l->tail++;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

static size_t type_size(pivot_type t)
{
    switch (t) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_FLOAT32:
        return 4;
    case PIVOT_TYPE_BOOL:
        return 1;
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
    case PIVOT_TYPE_STRING:
        return 8;
    }
    return 8;
}

static size_t align8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Copies a borrowed batch into a message's own buffers. */
static int copy_batch(lane_msg *m, const pivot_batch *b)
{
    size_t need = align8(b->count * sizeof(int64_t)), off;

    for (size_t k = 0; k < b->ncolumns; k++) {
        need += align8(b->count * type_size(b->columns[k].type));
        if (b->columns[k].type == PIVOT_TYPE_STRING) {
            const char *const *s = b->columns[k].data;
            for (size_t r = 0; r < b->count; r++)
                need += strlen(s[r]) + 1;
            need = align8(need);
        }
    }
    if (need > m->buf_cap) {
        unsigned char *grown = realloc(m->buf, need);
        if (grown == NULL)
            return PIVOT_ENOMEM;
        m->buf = grown;
        m->buf_cap = need;
    }
    if (b->ncolumns > m->columns_cap) {
        pivot_column *grown = realloc(m->columns, b->ncolumns * sizeof(*grown));
        if (grown == NULL)
            return PIVOT_ENOMEM;
        m->columns = grown;
        m->columns_cap = b->ncolumns;
    }
    memcpy(m->buf, b->time, b->count * sizeof(int64_t));
    off = align8(b->count * sizeof(int64_t));
    for (size_t k = 0; k < b->ncolumns; k++) {
        size_t bytes = b->count * type_size(b->columns[k].type);
        m->columns[k] = b->columns[k];
        m->columns[k].data = m->buf + off;
        if (b->columns[k].type != PIVOT_TYPE_STRING) {
            memcpy(m->buf + off, b->columns[k].data, bytes);
            off += align8(bytes);
            continue;
        }
        const char *const *from = b->columns[k].data;
        const char **to = (const char **)(void *)(m->buf + off);
        off += align8(bytes);
        for (size_t r = 0; r < b->count; r++) {
            size_t len = strlen(from[r]) + 1;
            memcpy(m->buf + off, from[r], len);
            to[r] = (const char *)m->buf + off;
            off += len;
        }
        off = align8(off);
    }
    m->batch.count = b->count;
    m->batch.time = (const int64_t *)(void *)m->buf;
    m->batch.ncolumns = b->ncolumns;
    m->batch.columns = m->columns;
    return 0;
}

static int lane_on_batch(void *arg, const pivot_batch *batch)
{
    lane *l = arg;
    lane_msg *m = lane_slot(l);

    if (m == NULL)
        return PIVOT_ECANCELED;
    if (copy_batch(m, batch) != 0)
        return PIVOT_ENOMEM;
    m->kind = MSG_BATCH;
    lane_publish(l);
    return 0;
}

static void lane_on_warning(void *arg, const char *message)
{
    lane *l = arg;
    lane_msg *m = lane_slot(l);

    if (m == NULL)
        return;
    m->kind = MSG_WARNING;
    snprintf(m->text, sizeof(m->text), "%s", message != NULL ? message : "");
    lane_publish(l);
}

/* Frees the descriptions of channels the writer has finished with. */
static void lane_free_passed(lane *l, size_t passed)
{
    size_t kept = 0;

    for (size_t i = 0; i < l->ninfos; i++) {
        if (l->infos[i].index < passed)
            l->all->p->source->free_info(l->ctx, l->infos[i].info);
        else
            l->infos[kept++] = l->infos[i];
    }
    l->ninfos = kept;
}

/* Queues an event carrying a return code and a message; returns 0 or -1 when stopped. */
static int lane_send(lane *l, enum lane_msg_kind kind, int rc, const char *text,
                     pivot_channel_info *info)
{
    lane_msg *m = lane_slot(l);

    if (m == NULL)
        return -1;
    m->kind = kind;
    m->rc = rc;
    m->info = info;
    snprintf(m->text, sizeof(m->text), "%s", text);
    lane_publish(l);
    return 0;
}

static void *lane_main(void *arg)
{
    lane *l = arg;
    const pv_pipeline *p = l->all->p;
    pivot_scan_sink sink = {.arg = l, .batch = lane_on_batch, .warning = lane_on_warning};
    char msg[PIVOT_ERRMSG_SIZE];

    for (size_t i = l->id; i < p->nchannels && !atomic_load(&l->all->stop); i += l->all->n) {
        const pv_pipeline_channel *ch = &p->channels[i];
        pivot_channel_info *info = NULL;
        int rc;

        lane_free_passed(l, atomic_load(&l->all->passed));
        msg[0] = '\0';
        rc = p->source->describe(l->ctx, ch->name, &info, msg, sizeof(msg));
        if (rc == 0)
            l->infos[l->ninfos++] = (lane_info){i, info};
        if (lane_send(l, MSG_BEGIN, rc, msg, info) != 0 || rc != 0)
            break;
        msg[0] = '\0';
        rc = p->source->scan(l->ctx, ch->name, ch->signals, ch->nsignals, p->range, &sink, msg,
                             sizeof(msg));
        if (lane_send(l, MSG_END, rc, msg, NULL) != 0 || rc != 0)
            break;
    }
    return NULL;
}

/* Waits for the next message of a lane; it stays queued until lane_release. */
static lane_msg *lane_next(lane *l)
{
    lane_msg *m;

    pthread_mutex_lock(&l->mu);
    while (l->tail == l->head)
        pthread_cond_wait(&l->cv, &l->mu);
    m = &l->ring[l->head % PV_PIPELINE_QUEUE_DEPTH];
    pthread_mutex_unlock(&l->mu);
    return m;
}

static void lane_release(lane *l)
{
    pthread_mutex_lock(&l->mu);
    l->head++;
    pthread_cond_broadcast(&l->cv);
    pthread_mutex_unlock(&l->mu);
}

/* run_channel's feed from the lanes: the events queued for channel `index`. */
static int queued_describe(void *arg, size_t index, pivot_channel_info **out, char *msg, size_t len)
{
    lanes *all = arg;
    lane *l = &all->lane[index % all->n];
    lane_msg *m = lane_next(l);
    int rc = m->rc;

    /* A lane sends BEGIN first for every channel it reads. */
    *out = m->info;
    snprintf(msg, len, "%s", m->text);
    lane_release(l);
    return rc;
}

static int queued_scan(void *arg, size_t index, const pivot_scan_sink *sink, char *msg, size_t len)
{
    lanes *all = arg;
    lane *l = &all->lane[index % all->n];

    for (;;) {
        lane_msg *m = lane_next(l);
        int rc = 0;

        switch (m->kind) {
        case MSG_BATCH:
            rc = sink->batch(sink->arg, &m->batch);
            break;
        case MSG_WARNING:
            if (sink->warning != NULL)
                sink->warning(sink->arg, m->text);
            break;
        case MSG_END:
            rc = m->rc;
            snprintf(msg, len, "%s", m->text);
            lane_release(l);
            return rc;
        case MSG_BEGIN:
            rc = PIVOT_EINVAL;
            snprintf(msg, len, "internal error: the decoder queue is out of order");
            break;
        }
        lane_release(l);
        if (rc != 0)
            return rc;
    }
}

/* Stops and joins every lane, then frees what they hold. */
static void lanes_finish(lanes *all)
{
    atomic_store(&all->stop, 1);
    for (size_t k = 0; k < all->n; k++) {
        lane *l = &all->lane[k];
        pthread_mutex_lock(&l->mu);
        pthread_cond_broadcast(&l->cv);
        pthread_mutex_unlock(&l->mu);
    }
    for (size_t k = 0; k < all->n; k++) {
        lane *l = &all->lane[k];
        if (l->started)
            pthread_join(l->thread, NULL);
        if (l->ctx != NULL)
            lane_free_passed(l, SIZE_MAX);
        for (size_t j = 0; j < PV_PIPELINE_QUEUE_DEPTH; j++) {
            free(l->ring[j].buf);
            free(l->ring[j].columns);
        }
        free(l->infos);
        if (l->own_ctx)
            all->p->source->close(l->ctx);
        pthread_cond_destroy(&l->cv);
        pthread_mutex_destroy(&l->mu);
    }
    free(all->lane);
}

static int run_lanes(const pv_pipeline *p, pv_pipeline_result *res, char *err, size_t errlen)
{
    lanes all = {.p = p};
    channel_feed queued = {queued_describe, queued_scan, NULL, &all};
    char msg[PIVOT_ERRMSG_SIZE];
    int rc = 0;

    all.n = p->decoders;
    if (all.n > p->nchannels)
        all.n = p->nchannels;
    if (p->source_location == NULL)
        all.n = 1;
    all.lane = calloc(all.n, sizeof(*all.lane));
    if (all.lane == NULL) {
        snprintf(err, errlen, "out of memory starting the decoders");
        return PIVOT_ENOMEM;
    }
    atomic_init(&all.stop, 0);
    atomic_init(&all.passed, 0);
    for (size_t k = 0; k < all.n; k++) {
        lane *l = &all.lane[k];
        l->all = &all;
        l->id = k;
        pthread_mutex_init(&l->mu, NULL);
        pthread_cond_init(&l->cv, NULL);
        l->infos = calloc(p->nchannels / all.n + 1, sizeof(*l->infos));
        if (l->infos == NULL) {
            snprintf(err, errlen, "out of memory starting the decoders");
            rc = PIVOT_ENOMEM;
            goto out;
        }
        if (k == 0) {
            l->ctx = p->source_ctx;
            continue;
        }
        msg[0] = '\0';
        rc = p->source->open(p->source_location, &l->ctx, msg, sizeof(msg));
        if (rc != 0) {
            l->ctx = NULL;
            snprintf(err, errlen, "opening the data source for a decoder failed: %s", msg);
            rc = rc < 0 ? rc : PIVOT_EIO;
            goto out;
        }
        l->own_ctx = 1;
    }
    for (size_t k = 0; k < all.n; k++) {
        if (pthread_create(&all.lane[k].thread, NULL, lane_main, &all.lane[k]) != 0) {
            snprintf(err, errlen, "starting a decoder thread failed");
            rc = PIVOT_ENOMEM;
            goto out;
        }
        all.lane[k].started = 1;
    }
    for (size_t i = 0; i < p->nchannels && rc == 0; i++) {
        rc = run_channel(p, &queued, i, res, err, errlen);
        atomic_store(&all.passed, i + 1);
    }
out:
    lanes_finish(&all);
    return rc;
}

int pv_pipeline_run(const pv_pipeline *p, pv_pipeline_result *res, char *err, size_t errlen)
{
    channel_feed direct = {direct_describe, direct_scan, direct_free_info, (void *)p};
    int rc = 0;

    memset(res, 0, sizeof(*res));
    res->summary.size = sizeof(res->summary);
    if (p->decoders > 0 && p->nchannels > 0)
        return run_lanes(p, res, err, errlen);
    for (size_t i = 0; i < p->nchannels && rc == 0; i++)
        rc = run_channel(p, &direct, i, res, err, errlen);
    return rc;
}
