/* The answer to a failed job-store access, shared by the API's handlers. */
#include "api.h"

#include "http_reply.h"
#include "log.h"

/* Seconds a client waits before retrying a request the locked store refused. */
#define STORE_BUSY_RETRY_S "2"

int pv_api_store_error(h2o_req_t *req, pv_jobstore *js, const char *what)
{
    pv_log(PIVOT_LOG_ERROR, "pivotd", "%s: %s", what, pv_jobstore_errmsg(js));
    if (pv_jobstore_busy(js)) {
        pv_reply_header(req, "retry-after", STORE_BUSY_RETRY_S);
        return pv_reply_error(req, 503, "store-busy", "The job store is busy",
                              "the job store stayed locked by another process for 5 s and "
                              "nothing was changed; retry in a few seconds");
    }
    return pv_reply_error(req, 500, "internal-error", "Internal error",
                          "the job store could not be accessed; try again later");
}
