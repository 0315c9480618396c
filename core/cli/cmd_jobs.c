/* pivotd jobs migrate: moves a site's jobs and quotas from SQLite to PostgreSQL. */
#include "commands.h"

#include "host.h"
#include "jobstore_backend.h"
#include "jobstore_migrate.h"
#include "log.h"

#include <inttypes.h>
#include <pivot/common.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { OPT_TO = PV_OPT_COMMAND };

static int migrate_option(void *arg, int opt, const char *value)
{
    if (opt != OPT_TO)
        return -1;
    *(const char **)arg = value;
    return 0;
}

int pv_cli_cmd_jobs_migrate(pv_cli *cli, int argc, char **argv)
{
    struct option options[] = {
        PV_CLI_COMMON_OPTIONS, {"to", required_argument, NULL, OPT_TO}, {NULL, 0, NULL, 0}};
    const char *to = NULL;
    char from[4096], auth[4096], err[1024] = "";
    pv_migrate_counts counts;
    int parsed = pv_cli_parse(cli, argc, argv, options, migrate_option, &to);

    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (to == NULL || !pv_jobstore_is_postgres(to)) {
        fprintf(stderr, "pivotd: jobs migrate: --to must be the PostgreSQL job store's URI "
                        "(postgresql://user@host/database)\n");
        return 2;
    }
    /* The source is the state folder's SQLite file, whatever job_store says now. */
    if (snprintf(from, sizeof(from), "%s/jobs.db", cli->config.state_dir) >= (int)sizeof(from) ||
        access(from, R_OK) != 0) {
        fprintf(stderr, "pivotd: jobs migrate: no SQLite job store at %s/jobs.db (--state-dir)\n",
                cli->config.state_dir);
        return 1;
    }
    /* The auth plugin's keys, when it keeps any: every node's from now on. */
    snprintf(auth, sizeof(auth), "%s/auth.db", cli->config.state_dir);
    if (pv_jobstore_copy_to_pg(from, access(auth, R_OK) == 0 ? auth : NULL, to, &counts, err,
                               sizeof(err)) != 0) {
        fprintf(stderr, "pivotd: jobs migrate: %s\n", err);
        return 1;
    }
    pv_log_audit(PIVOT_LOG_INFO, "admin-action", "local", NULL,
                 "job store migrated to PostgreSQL, uid %d", (int)getuid());
    printf("copied %" PRId64 " jobs, %" PRId64 " quota rows, %" PRId64
           " quota ledger entries and %" PRId64 " API keys from %s\n"
           "next: set job_store to this URI (and results_dir, if the results move), "
           "then start pivotd\n",
           counts.jobs, counts.quotas, counts.quota_usage, counts.api_keys, cli->config.state_dir);
    return 0;
}
