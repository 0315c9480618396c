/*
 * Sending JSON bodies and RFC 9457 problem details from h2o handlers.
 * A handler answers the same way on the loop thread and on a blocking-work
 * thread: there the answer is recorded in the task and the loop sends it.
 */
#ifndef PV_HTTP_REPLY_H
#define PV_HTTP_REPLY_H

#include "blocking_pool.h"
#include "problem.h"

#include <h2o.h>
#include <yajl/yajl_gen.h>

/** Sends g's buffer as application/json with status (the generator is not freed). */
int pv_reply_json(h2o_req_t *req, int status, yajl_gen g);

/** Answers with body (copied) of the given media type. */
int pv_reply_body(h2o_req_t *req, int status, const char *content_type, const char *body,
                  size_t len);

/** Sends p as application/problem+json. Returns 0 (handled). */
int pv_reply_problem(h2o_req_t *req, const pv_problem *p);

/** Builds and sends a problem in one call. */
int pv_reply_error(h2o_req_t *req, int status, const char *type, const char *title, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));

/** Adds a response header (name in lower case) with a copy of value. */
void pv_reply_header(h2o_req_t *req, const char *name, const char *value);

/** Internally redirects req to path (copied), as h2o_send_redirect_internal. */
void pv_reply_redirect(h2o_req_t *req, const char *path, size_t len);

/**
 * On a blocking-work thread: from now on, answers to task->req are recorded
 * in task->plan instead of sent; NULL ends that.
 */
void pv_reply_defer_to(pv_blocking_task *task);

/**
 * On the loop thread: sends what was recorded for req, or a 500 when
 * nothing was (a handler that answered nothing must not hang its client).
 */
void pv_reply_flush(h2o_req_t *req, const pv_reply_plan *plan);

#endif
