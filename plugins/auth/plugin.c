/* Entry points of the auth plugin: registers the "apikey", "trusted-header" and "anonymous"
 * backends. */
#include "anonymous.h"
#include "apikey.h"
#include "trusted_header.h"

#include <pivot/plugin.h>
#include <stddef.h>

PIVOT_PLUGIN_MAGIC("auth", "0.1.0");

/* A refused registration needs no message of ours: the host reports its reason. */
int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    int rc;

    (void)err;
    (void)errlen;
    ak_backend_init(host);
    th_backend_init(host);
    anon_backend_init(host);
    rc = host->register_auth(reg, &ak_backend);
    if (rc == 0)
        rc = host->register_auth(reg, &th_backend);
    if (rc == 0)
        rc = host->register_auth(reg, &anon_backend);
    return rc;
}
