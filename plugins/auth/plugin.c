/* Entry points of the auth plugin: registers the "apikey", "trusted-header" and "anonymous"
 * backends. */
#include "anonymous.h"
#include "apikey.h"
#include "trusted_header.h"

#include <pivot/plugin.h>
#include <stddef.h>

PIVOT_PLUGIN_MAGIC("auth", "0.1.0");

PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg);

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    int rc = 0;

    /* Keys are made from host->random_bytes, the last member we use. */
    if (host == NULL ||
        host->size < offsetof(pivot_host, random_bytes) + sizeof(host->random_bytes) ||
        host->random_bytes == NULL || host->config_get == NULL) {
        rc = PIVOT_ENOTSUP;
        goto out;
    }
    ak_backend_init(host);
    th_backend_init(host);
    anon_backend_init(host);
    rc = host->register_auth(reg, &ak_backend);
    if (rc == 0)
        rc = host->register_auth(reg, &th_backend);
    if (rc == 0)
        rc = host->register_auth(reg, &anon_backend);
    if (rc != 0 && host->log != NULL)
        host->log(PIVOT_LOG_ERROR, "auth", "cannot register the auth backends");
out:
    return rc;
}
