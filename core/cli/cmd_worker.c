#include "commands.h"
#include "worker.h"

#include <stdio.h>

enum { OPT_JOB = PV_OPT_COMMAND };

static int worker_option(void *arg, int opt, const char *value)
{
    if (opt != OPT_JOB)
        return -1;
    *(const char **)arg = value;
    return 0;
}

int pv_cmd_worker(pv_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        PV_CLI_COMMON_OPTIONS, {"job", required_argument, NULL, OPT_JOB}, {NULL, 0, NULL, 0}};
    const char *job_id = NULL;
    int parsed = pv_cli_parse(cli, argc, argv, options, worker_option, &job_id);

    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (job_id == NULL) {
        fprintf(stderr, "pivotd: worker: --job ID is required\n");
        return 2;
    }
    return pv_worker_run(&cli->config, job_id);
}
