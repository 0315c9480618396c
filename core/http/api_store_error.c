/* The answer to a failed job-store access, shared by the API's handlers. */
#include "api.h"

#include "http_reply.h"
#include "log.h"

#include <string.h>

/* Seconds a client waits before retrying a request the locked store refused. */
#define STORE_BUSY_RETRY_S "2"
/* ... and one the full disk refused: someone has to free space first. */
#define STORE_FULL_RETRY_S "60"

int pv_api_store_failure(h2o_req_t *req, const pv_store_failure *f, const char *what)
{
    if (f->sys_errno != 0)
        pv_log(PIVOT_LOG_ERROR, "pivotd", "%s: %s (%s)", what, f->message, strerror(f->sys_errno));
    else
        pv_log(PIVOT_LOG_ERROR, "pivotd", "%s: %s", what, f->message);
    if (pv_jobstore_failure_busy(f)) {
        pv_reply_header(req, "retry-after", STORE_BUSY_RETRY_S);
        return pv_reply_error(req, 503, "store-busy", "The job store is busy",
                              "the job store stayed locked by another process for 5 s and "
                              "nothing was changed; retry in a few seconds");
    }
    if (pv_jobstore_failure_full(f)) {
        pv_reply_header(req, "retry-after", STORE_FULL_RETRY_S);
        return pv_reply_error(req, 507, "store-full", "The server's disk is full",
                              "the disk that holds the job store is full and nothing was "
                              "changed; retry later, once the operator has freed space");
    }
    return pv_reply_error(req, 500, "internal-error", "Internal error",
                          "the job store could not be accessed; try again later");
}

int pv_api_store_error(h2o_req_t *req, pv_jobstore *js, const char *what)
{
    pv_store_failure f;

    pv_jobstore_failure(js, &f);
    return pv_api_store_failure(req, &f, what);
}
