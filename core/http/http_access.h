/*
 * Request ids and access lines. Every request gets an id on its loop before
 * any other handler: the X-Request-Id a proxy sent, when it is a plain token
 * of at most 128 characters, or a fresh random one; the response carries it
 * back in X-Request-Id and the access line (log stream "access") names it,
 * with the user and job the handlers noted.
 */
#ifndef PV_HTTP_ACCESS_H
#define PV_HTTP_ACCESS_H

#include <h2o.h>

/** Installs the request-id handler first on pathconf. */
void pv_http_request_id_attach(h2o_pathconf_t *pathconf);

/* What handlers note for the access line (names of request environment entries). */
#define PV_NOTE_USER "pivot.user"
#define PV_NOTE_JOB_ID "pivot.job_id"

/**
 * Notes a value for the access line under name, a PV_NOTE_* constant (h2o
 * keeps the name by reference, so it must be a static string); the value is
 * copied into the request.
 */
void pv_http_note(h2o_req_t *req, const char *name, const char *value);

/** Writes the access line of an answered request (on its loop). */
void pv_http_access_log(h2o_req_t *req, const char *route, double seconds);

#endif
