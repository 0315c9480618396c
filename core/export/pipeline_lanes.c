/*
 * Decoder threads of the pipeline. Each decoder thread (a lane) reads its
 * channels with its own source instance and queues what the source
 * delivers, copied, in a ring of PV_PIPELINE_QUEUE_DEPTH messages. The
 * calling thread takes the channels in order from the lanes' rings and
 * replays them through pv_pipeline_run_channel, so every exporter and
 * progress call, every message and every total is what the single-threaded
 * run produces, while the next channels are decoded on the other cores.
 * Memory stays bounded by the rings whatever the job.
 */
#include "abi_check.h"
#include "batch_copy.h"
#include "export_signals.h"
#include "pipeline_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum lane_msg_kind { MSG_BEGIN, MSG_BATCH, MSG_WARNING, MSG_END };

/* One queued event of a lane. */
typedef struct lane_msg {
    enum lane_msg_kind kind;
    int rc;                       /* BEGIN: describe's return; END: scan's */
    char text[PIVOT_ERRMSG_SIZE]; /* BEGIN/END: the message; WARNING: the warning */
    pivot_channel_info *info;     /* BEGIN: owned by the lane */
    pv_batch_copy copy;           /* BATCH: the batch, in buffers reused by the slot */
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
    int *nullable;    /* of the channel being scanned: which columns' masks to copy */
    size_t nnullable; /* entries in nullable: the columns asked for */
    char sink_err[PIVOT_ERRMSG_SIZE]; /* why the sink stopped the scan, when it did */
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

static int lane_on_batch(void *arg, const pivot_batch *batch)
{
    lane *l = arg;
    lane_msg *m = lane_slot(l);

    if (m == NULL)
        return PIVOT_ECANCELED;
    if (pv_source_batch_check(batch, l->sink_err, sizeof(l->sink_err)) != 0)
        return PIVOT_EIO;
    /* A batch of another width is refused by the writer (on_batch); its
     * masks are not read here, as nullable covers only the asked columns. */
    if (pv_batch_copy_from(&m->copy, batch, batch->ncolumns == l->nnullable ? l->nullable : NULL) !=
        0)
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

/* Which of the n signals the source says may be null: their masks are copied. */
static void signals_nullable(const pivot_channel_info *info, const char *const *signals, size_t n,
                             int *nullable)
{
    for (size_t i = 0; i < n; i++) {
        pivot_signal_detail d;
        pivot_signal_detail_read(pv_export_signal_detail_find(info, signals[i]), &d);
        nullable[i] = d.nullable;
    }
}

static void *lane_main(void *arg)
{
    lane *l = arg;
    const pv_pipeline *p = l->all->p;
    pivot_scan_sink sink = {
        .size = sizeof(sink), .arg = l, .batch = lane_on_batch, .warning = lane_on_warning};
    char msg[PIVOT_ERRMSG_SIZE];

    for (size_t i = l->id; i < p->nchannels && !atomic_load(&l->all->stop); i += l->all->n) {
        const pv_pipeline_channel *ch = &p->channels[i];
        pivot_channel_info *info = NULL;
        int rc;

        lane_free_passed(l, atomic_load(&l->all->passed));
        msg[0] = '\0';
        rc = pv_source_describe(p->source, l->ctx, ch->name, &info, msg, sizeof(msg));
        if (rc == 0)
            l->infos[l->ninfos++] = (lane_info){i, info};
        if (lane_send(l, MSG_BEGIN, rc, msg, info) != 0 || rc != 0)
            break;
        l->nullable = calloc(ch->nsignals > 0 ? ch->nsignals : 1, sizeof(*l->nullable));
        if (l->nullable == NULL) {
            lane_send(l, MSG_END, PIVOT_ENOMEM, "out of memory reading the channel", NULL);
            break;
        }
        l->nnullable = ch->nsignals;
        signals_nullable(info, ch->signals, ch->nsignals, l->nullable);
        msg[0] = '\0';
        l->sink_err[0] = '\0';
        rc = p->source->scan(l->ctx, ch->name, ch->signals, ch->nsignals, p->range, &sink, msg,
                             sizeof(msg));
        if (rc != 0 && l->sink_err[0] != '\0')
            snprintf(msg, sizeof(msg), "%s", l->sink_err);
        free(l->nullable);
        l->nullable = NULL;
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

/* pv_pipeline_run_channel's feed from the lanes: the events queued for channel `index`. */
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
            rc = sink->batch(sink->arg, &m->copy.batch);
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
        for (size_t j = 0; j < PV_PIPELINE_QUEUE_DEPTH; j++)
            pv_batch_copy_free(&l->ring[j].copy);
        free(l->infos);
        if (l->own_ctx)
            all->p->source->close(l->ctx);
        pthread_cond_destroy(&l->cv);
        pthread_mutex_destroy(&l->mu);
    }
    free(all->lane);
}

int pv_pipeline_run_lanes(const pv_pipeline *p, pv_pipeline_result *res, char *err, size_t errlen)
{
    lanes all = {.p = p};
    pv_channel_feed queued = {queued_describe, queued_scan, NULL, &all};
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
        rc = pv_pipeline_run_channel(p, &queued, i, res, err, errlen);
        atomic_store(&all.passed, i + 1);
    }
out:
    lanes_finish(&all);
    return rc;
}
