/* The request target: origin form ("/path?query") or absolute form ("http://host/path"). */
#ifndef PV_HTTP_TARGET_H
#define PV_HTTP_TARGET_H

#include <h2o.h>

/**
 * The origin form of a request target: the path and query of an
 * absolute-form target (RFC 9112 section 3.2.2), otherwise the target
 * itself. Points into target.
 */
h2o_iovec_t pv_http_origin_form(h2o_iovec_t target);

#endif
