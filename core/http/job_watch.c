#include "job_watch.h"

#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* On the loop thread: the mailbox's job ids against the watches. */
static void on_mail(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    pv_job_watches *ws = H2O_STRUCT_FROM_MEMBER(pv_job_watches, receiver, receiver);
    pv_job_mail *mail;
    size_t n;

    /* Unlinked under the lock: a poster may send the message again at once. */
    pthread_mutex_lock(&ws->lock);
    h2o_linklist_unlink(messages->next);
    mail = ws->mail;
    n = ws->nmail;
    ws->mail = NULL;
    ws->nmail = ws->capacity = 0;
    ws->posted = 0;
    pthread_mutex_unlock(&ws->lock);
    for (size_t i = 0; i < n; i++) {
        h2o_linklist_t *node = ws->watching.next, *next;
        for (; node != &ws->watching; node = next) {
            pv_job_watch *w = H2O_STRUCT_FROM_MEMBER(pv_job_watch, link, node);
            next = node->next;
            if (strcmp(w->job_id, mail[i].job_id) != 0 ||
                (mail[i].event == PV_JOB_CHANGED && !w->changes))
                continue;
            /* A watch of changes stays on: what is told while its owner
             * reads the job must reach it too (its owner stops it). */
            if (!w->changes)
                pv_job_watch_stop(ws, w);
            /* ended never touches another watch, nor starts this one again
             * before it returns: next stays valid. */
            w->ended(w);
        }
    }
    free(mail);
}

void pv_job_watches_init(pv_job_watches *ws)
{
    memset(ws, 0, sizeof(*ws));
    h2o_linklist_init_anchor(&ws->watching);
    atomic_init(&ws->count, 0);
    pthread_mutex_init(&ws->lock, NULL);
}

void pv_job_watches_attach(pv_job_watches *ws, h2o_multithread_queue_t *queue)
{
    /* Nothing is posted before a watch starts, which is after this. */
    h2o_multithread_register_receiver(queue, &ws->receiver, on_mail);
}

void pv_job_watches_free(pv_job_watches *ws)
{
    /* The receiver stays registered with the queue, which is abandoned with
     * its loop (h2o_multithread_unregister_receiver wants an empty mailbox). */
    free(ws->mail);
    ws->mail = NULL;
    pthread_mutex_destroy(&ws->lock);
}

void pv_job_watch_start(pv_job_watches *ws, pv_job_watch *w)
{
    h2o_linklist_insert(&ws->watching, &w->link);
    atomic_fetch_add(&ws->count, 1);
}

void pv_job_watch_stop(pv_job_watches *ws, pv_job_watch *w)
{
    if (!h2o_linklist_is_linked(&w->link))
        return;
    h2o_linklist_unlink(&w->link);
    atomic_fetch_sub(&ws->count, 1);
}

void pv_job_watches_post(pv_job_watches *ws, const char *job_id, pv_job_event event)
{
    /* A watch started after this test reads the job after the end was
     * stored (the waiter checks once after it starts watching). */
    if (atomic_load(&ws->count) == 0)
        return;
    pthread_mutex_lock(&ws->lock);
    if (ws->nmail == ws->capacity) {
        size_t capacity = ws->capacity ? ws->capacity * 2 : 8;
        void *grown = realloc(ws->mail, capacity * sizeof(*ws->mail));
        if (grown == NULL) {
            pthread_mutex_unlock(&ws->lock);
            pv_log(PIVOT_LOG_ERROR, "pivotd", "job %s %s: no memory to tell its waiters", job_id,
                   event == PV_JOB_ENDED ? "ended" : "changed");
            return;
        }
        ws->mail = grown;
        ws->capacity = capacity;
    }
    snprintf(ws->mail[ws->nmail].job_id, PV_JOB_ID_SIZE, "%s", job_id);
    ws->mail[ws->nmail++].event = event;
    if (!ws->posted) {
        ws->posted = 1;
        h2o_multithread_send_message(&ws->receiver, &ws->message);
    }
    pthread_mutex_unlock(&ws->lock);
}
