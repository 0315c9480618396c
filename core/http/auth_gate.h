/* Who is calling: runs the configured auth backends over a request. */
#ifndef PV_AUTH_GATE_H
#define PV_AUTH_GATE_H

#include "server.h"

#include <h2o.h>

/**
 * Authenticates req. Returns 0 with *who filled, or answers the request
 * with 401 problem+json itself and returns -1.
 */
int pv_auth_gate(pv_server *srv, h2o_req_t *req, pivot_principal *who);

/** The peer's address as text ("127.0.0.1", "::1"), or "" when unknown. */
void pv_http_peer_address(h2o_req_t *req, char *out, size_t len);

/** Opens the backends named by config auth.backends (default: apikey). */
int pv_auth_open_all(pv_server *srv, char *err, size_t errlen);

/** Closes what pv_auth_open_all opened. */
void pv_auth_close_all(pv_server *srv);

#endif
