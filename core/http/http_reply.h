/* Sending JSON bodies and RFC 9457 problem details from h2o handlers. */
#ifndef PV_HTTP_REPLY_H
#define PV_HTTP_REPLY_H

#include "problem.h"

#include <h2o.h>
#include <yajl/yajl_gen.h>

/** Sends g's buffer as application/json with status (the generator is not freed). */
int pv_reply_json(h2o_req_t *req, int status, yajl_gen g);

/** Sends p as application/problem+json. Returns 0 (handled). */
int pv_reply_problem(h2o_req_t *req, const pv_problem *p);

/** Builds and sends a problem in one call. */
int pv_reply_error(h2o_req_t *req, int status, const char *type, const char *title, const char *fmt,
                   ...) __attribute__((format(printf, 5, 6)));

/** Adds a response header (name in lower case) with a copy of value. */
void pv_reply_header(h2o_req_t *req, const char *name, const char *value);

#endif
