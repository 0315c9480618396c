/*
 * What `pivotd serve` re-reads on SIGHUP without a restart: the logging
 * settings (format, level, the audit file reopened after a rotation), who
 * may read /metrics (metrics.allow, metrics.max_users) and the configured
 * quota defaults. API keys need no reload: every request reads the key
 * store, so keys created or revoked meanwhile count at once. Everything
 * else (listen address, directories, plugins, auth.backends, threads)
 * takes a restart.
 */
#ifndef PV_SERVE_RELOAD_H
#define PV_SERVE_RELOAD_H

#include "commands.h"
#include "jobstore.h"

/**
 * Reads the --config file again and applies what can change. A file that
 * does not load or holds a bad value changes nothing; a job store that
 * cannot take the quota defaults leaves the rest applied and says so;
 * either way the outcome is logged. js is the calling thread's own job-store connection.
 */
void pv_serve_reload(const pv_cli *cli, pv_jobstore *js);

#endif
