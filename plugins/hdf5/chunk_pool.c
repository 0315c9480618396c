/*
 * The compression threads; see chunk_pool.h. Counters only grow: slot i of
 * the ring holds chunk number i % HX_POOL_SLOTS, chunks [retired, submitted)
 * are in flight, [retired, picked) have been taken by a thread (and some of
 * them finished), [picked, submitted) wait for one.
 */
#include "chunk_pool.h"

#include "chunk_codec.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct hx_pool {
    pthread_mutex_t lock;
    pthread_cond_t work; /* a chunk was submitted, or stop */
    pthread_cond_t done; /* a chunk was compressed */
    hx_chunk_job slots[HX_POOL_SLOTS];
    int finished[HX_POOL_SLOTS]; /* the slot's chunk is compressed (under lock) */
    uint64_t submitted, picked, retired;
    size_t pending_bytes; /* raw bytes of [retired, submitted); the submitter's only */
    int stop;
    unsigned level;
    unsigned nthreads; /* started */
    pthread_t threads[];
};

static void compress_one(hx_codec *codec, hx_chunk_job *job)
{
    job->out_bytes = codec == NULL ? 0
                                   : hx_codec_compress(codec, job->raw, job->raw_bytes,
                                                       job->elem_size, job->out, job->out_cap);
}

static void *thread_main(void *arg)
{
    hx_pool *p = arg;
    /* A thread without a codec reports every chunk as failed, which the
     * writer turns into an out-of-memory error. */
    hx_codec *codec = hx_codec_new(p->level);

    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (!p->stop && p->picked == p->submitted)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->stop)
            break;
        size_t i = p->picked++ % HX_POOL_SLOTS;
        pthread_mutex_unlock(&p->lock);
        compress_one(codec, &p->slots[i]);
        pthread_mutex_lock(&p->lock);
        p->finished[i] = 1;
        pthread_cond_broadcast(&p->done);
    }
    pthread_mutex_unlock(&p->lock);
    hx_codec_free(codec);
    return NULL;
}

/* The threads take no signals: the worker's SIGTERM and SIGXFSZ handlers
 * belong to the thread that reads and writes. */
static int start_threads(hx_pool *p, unsigned threads)
{
    sigset_t all, saved;
    int rc = 0;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    for (unsigned t = 0; t < threads; t++) {
        rc = pthread_create(&p->threads[t], NULL, thread_main, p);
        if (rc != 0)
            break;
        p->nthreads++;
    }
    pthread_sigmask(SIG_SETMASK, &saved, NULL);
    return rc;
}

hx_pool *hx_pool_new(unsigned threads, unsigned level, char *err, size_t errlen)
{
    hx_pool *p = calloc(1, sizeof(*p) + threads * sizeof(pthread_t));
    int rc;

    if (p == NULL) {
        snprintf(err, errlen, "hdf5 export: out of memory for %u compression threads", threads);
        goto out;
    }
    p->level = level;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    rc = start_threads(p, threads);
    if (rc != 0) {
        snprintf(err, errlen, "hdf5 export: starting compression thread %u of %u failed: %s",
                 p->nthreads + 1, threads, strerror(rc));
        hx_pool_free(p);
        p = NULL;
    }
out:
    return p;
}

void hx_pool_free(hx_pool *p)
{
    if (p == NULL)
        return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (unsigned t = 0; t < p->nthreads; t++)
        pthread_join(p->threads[t], NULL);
    for (size_t i = 0; i < HX_POOL_SLOTS; i++) {
        free(p->slots[i].raw);
        free(p->slots[i].out);
    }
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

size_t hx_pool_pending(const hx_pool *p)
{
    /* Only the submitter moves submitted and retired. */
    return (size_t)(p->submitted - p->retired);
}

size_t hx_pool_pending_bytes(const hx_pool *p)
{
    return p->pending_bytes;
}

/* Grows *buf to at least need bytes; its contents need not survive. */
static int reserve(uint8_t **buf, size_t *cap, size_t need)
{
    uint8_t *grown;

    if (*cap >= need)
        return 0;
    grown = malloc(need);
    if (grown == NULL)
        return -1;
    free(*buf);
    *buf = grown;
    *cap = need;
    return 0;
}

hx_chunk_job *hx_pool_slot(hx_pool *p, size_t raw_bytes)
{
    hx_chunk_job *job;

    if (hx_pool_pending(p) == HX_POOL_SLOTS)
        return NULL;
    /* A free slot belongs to the submitter alone: no thread looks at it. */
    job = &p->slots[p->submitted % HX_POOL_SLOTS];
    if (reserve(&job->out, &job->out_cap, hx_codec_bound(raw_bytes)) != 0)
        return NULL;
    return job;
}

void hx_pool_submit(hx_pool *p)
{
    size_t i = p->submitted % HX_POOL_SLOTS;

    p->pending_bytes += p->slots[i].raw_bytes;
    pthread_mutex_lock(&p->lock);
    p->finished[i] = 0;
    p->submitted++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->lock);
}

hx_chunk_job *hx_pool_oldest(hx_pool *p)
{
    size_t i = p->retired % HX_POOL_SLOTS;

    if (p->retired == p->submitted)
        return NULL;
    pthread_mutex_lock(&p->lock);
    while (!p->finished[i])
        pthread_cond_wait(&p->done, &p->lock);
    pthread_mutex_unlock(&p->lock);
    return &p->slots[i];
}

void hx_pool_retire(hx_pool *p)
{
    size_t i = p->retired % HX_POOL_SLOTS;

    p->pending_bytes -= p->slots[i].raw_bytes;
    pthread_mutex_lock(&p->lock);
    p->finished[i] = 0;
    p->retired++;
    pthread_mutex_unlock(&p->lock);
}
