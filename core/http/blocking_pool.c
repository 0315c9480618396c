#include "blocking_pool.h"

#include "http_reply.h"
#include "log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A lane: a FIFO of tasks and the threads that take them. */
typedef struct lane {
    pthread_mutex_t mutex;
    pthread_cond_t ready;
    pv_blocking_task *head, *tail;
    int stopping;
} lane;

typedef struct lane_thread {
    pv_blocking_pool *pool;
    lane *lane;
    pv_api_env env;
    pthread_t thread;
    int started;
} lane_thread;

struct pv_blocking_pool {
    pv_server *server;
    lane lanes[PV_LANE_COUNT];
    lane_thread *threads;
    int nthreads;
};

static pv_blocking_task *take(lane *l)
{
    pv_blocking_task *task = NULL;

    pthread_mutex_lock(&l->mutex);
    while (l->head == NULL && !l->stopping)
        pthread_cond_wait(&l->ready, &l->mutex);
    if (!l->stopping) {
        task = l->head;
        l->head = task->next;
        if (l->head == NULL)
            l->tail = NULL;
        task->next = NULL;
    }
    pthread_mutex_unlock(&l->mutex);
    return task;
}

static void *lane_main(void *arg)
{
    lane_thread *lt = arg;
    pv_blocking_task *task;

    while ((task = take(lt->lane)) != NULL) {
        /* Answers made by the work are recorded in the task, not sent:
         * only the loop thread writes to the connection. */
        pv_reply_defer_to(task);
        task->work(task, &lt->env);
        pv_reply_defer_to(NULL);
        h2o_multithread_send_message(task->loop, &task->message);
    }
    return NULL;
}

pv_blocking_task *pv_blocking_task_new(h2o_req_t *req, h2o_multithread_receiver_t *loop,
                                       pv_blocking_work_fn work, void *arg)
{
    pv_blocking_task *task = h2o_mem_alloc_pool(&req->pool, sizeof(*task));

    memset(task, 0, sizeof(*task));
    task->req = req;
    task->loop = loop;
    task->work = work;
    task->arg = arg;
    return task;
}

void pv_blocking_post(pv_blocking_pool *pool, pv_lane lane_id, pv_blocking_task *task)
{
    lane *l = &pool->lanes[lane_id];

    /* A task may be posted again (an export's wait): its answer starts afresh. */
    task->message = (h2o_multithread_message_t){{NULL, NULL}};
    task->next = NULL;
    memset(&task->plan, 0, sizeof(task->plan));
    pthread_mutex_lock(&l->mutex);
    if (l->tail != NULL)
        l->tail->next = task;
    else
        l->head = task;
    l->tail = task;
    pthread_cond_signal(&l->ready);
    pthread_mutex_unlock(&l->mutex);
}

void pv_blocking_on_returned(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
    (void)receiver;
    while (!h2o_linklist_is_empty(messages)) {
        pv_blocking_task *task =
            H2O_STRUCT_FROM_MEMBER(pv_blocking_task, message.link, messages->next);
        h2o_linklist_unlink(&task->message.link);
        if (task->resume != NULL)
            task->resume(task);
        else
            pv_reply_flush(task->req, &task->plan);
    }
}

static int open_env(pv_server *srv, pv_api_env *env, char *err, size_t errlen)
{
    char msg[PIVOT_ERRMSG_SIZE] = "";

    env->server = srv;
    if (pv_jobstore_open(srv->job_store_path, &env->jobs, err, errlen) != 0)
        return PIVOT_EIO;
    if (srv->source->open(srv->config->data_dir, &env->source_ctx, msg, sizeof(msg)) != 0) {
        env->source_ctx = NULL;
        snprintf(err, errlen, "data source \"%s\" cannot open %s: %s", srv->source->name,
                 srv->config->data_dir, msg);
        return PIVOT_EIO;
    }
    return 0;
}

int pv_blocking_start(pv_server *srv, int quick_threads, int slow_threads, pv_blocking_pool **out,
                      char *err, size_t errlen)
{
    pv_blocking_pool *pool = calloc(1, sizeof(*pool));
    int rc = PIVOT_EIO;

    if (pool == NULL)
        return PIVOT_ENOMEM;
    pool->server = srv;
    for (int i = 0; i < PV_LANE_COUNT; i++) {
        pthread_mutex_init(&pool->lanes[i].mutex, NULL);
        pthread_cond_init(&pool->lanes[i].ready, NULL);
    }
    pool->threads = calloc((size_t)(quick_threads + slow_threads), sizeof(*pool->threads));
    if (pool->threads == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    pool->nthreads = quick_threads + slow_threads;
    for (int i = 0; i < pool->nthreads; i++) {
        lane_thread *lt = &pool->threads[i];
        lt->pool = pool;
        lt->lane = &pool->lanes[i < quick_threads ? PV_LANE_QUICK : PV_LANE_SLOW];
        if (open_env(srv, &lt->env, err, errlen) != 0)
            goto out;
    }
    for (int i = 0; i < pool->nthreads; i++) {
        lane_thread *lt = &pool->threads[i];
        if (pthread_create(&lt->thread, NULL, lane_main, lt) != 0) {
            snprintf(err, errlen, "cannot start a blocking-work thread");
            goto out;
        }
        lt->started = 1;
    }
    *out = pool;
    pool = NULL;
    rc = 0;
out:
    if (pool != NULL)
        pv_blocking_stop(pool);
    return rc;
}

void pv_blocking_stop(pv_blocking_pool *pool)
{
    if (pool == NULL)
        return;
    for (int i = 0; i < PV_LANE_COUNT; i++) {
        pthread_mutex_lock(&pool->lanes[i].mutex);
        pool->lanes[i].stopping = 1;
        pthread_cond_broadcast(&pool->lanes[i].ready);
        pthread_mutex_unlock(&pool->lanes[i].mutex);
    }
    for (int i = 0; pool->threads != NULL && i < pool->nthreads; i++) {
        lane_thread *lt = &pool->threads[i];
        if (lt->started)
            pthread_join(lt->thread, NULL);
        if (lt->env.source_ctx != NULL)
            pool->server->source->close(lt->env.source_ctx);
        pv_jobstore_close(lt->env.jobs);
    }
    for (int i = 0; i < PV_LANE_COUNT; i++) {
        pthread_mutex_destroy(&pool->lanes[i].mutex);
        pthread_cond_destroy(&pool->lanes[i].ready);
    }
    free(pool->threads);
    free(pool);
}
