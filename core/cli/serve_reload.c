#include "serve_reload.h"

#include "http_metrics.h"
#include "log.h"
#include "log_config.h"
#include "quota_store.h"

#include <stdio.h>

void pv_serve_reload(const pv_cli *cli, pv_jobstore *js)
{
    pv_config fresh;
    char err[1024] = "";
    int loaded = 0;

    /* The settings are read into a configuration of their own: the one the
     * threads read (srv->config) never changes under them. */
    if (pv_config_defaults(&fresh) != 0) {
        snprintf(err, sizeof(err), "out of memory");
        goto out;
    }
    loaded = 1;
    /* Nothing applies before everything is checked: the metrics settings
     * are checked, logging checks and applies its own in one step, then the
     * metrics settings apply (once checked they cannot fail). */
    if ((cli->config_path != NULL &&
         pv_config_load_file(&fresh, cli->config_path, err, sizeof(err)) != 0) ||
        pv_http_metrics_check(&fresh, err, sizeof(err)) != 0 ||
        pv_log_configure(&fresh, 1, err, sizeof(err)) != 0 ||
        pv_http_metrics_configure(&fresh, err, sizeof(err)) != 0)
        goto out;
    /* The one step that can fail on its own after the others applied: a
     * job store busy or away. Said as such, so the log does not claim that
     * nothing changed. */
    if (pv_quota_store_publish_config(js, &fresh, err, sizeof(err)) != 0) {
        pv_log(PIVOT_LOG_ERROR, "pivotd",
               "reload: logging and metrics access applied, but the quota defaults were not "
               "published (the previous ones stay; send SIGHUP again): %s",
               err);
        err[0] = '\0';
        goto done;
    }
out:
    if (err[0] != '\0')
        pv_log(PIVOT_LOG_ERROR, "pivotd", "reload failed: %s", err);
    else
        pv_log(PIVOT_LOG_INFO, "pivotd", "reloaded %s: logging, quota defaults, metrics access",
               cli->config_path != NULL ? cli->config_path : "the built-in settings");
done:
    if (loaded)
        pv_config_free(&fresh);
}
