#include "commands.h"
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>

enum { OPT_JOB = PV_OPT_COMMAND, OPT_ATTEMPT, OPT_PLUGIN_SET, OPT_NOTIFY_FD };

typedef struct worker_args {
    const char *job_id;
    int attempt;
    const char *plugin_set;
    int notify_fd;
} worker_args;

static int worker_option(void *arg, int opt, const char *value)
{
    worker_args *a = arg;

    if (opt == OPT_JOB)
        a->job_id = value;
    else if (opt == OPT_ATTEMPT) {
        char *end;
        long n = strtol(value, &end, 10);
        if (*end != '\0' || n < 1 || n > 1000000)
            return -1;
        a->attempt = (int)n;
    } else if (opt == OPT_PLUGIN_SET)
        a->plugin_set = value;
    else if (opt == OPT_NOTIFY_FD) {
        char *end;
        long fd = strtol(value, &end, 10);
        if (*end != '\0' || fd < 0 || fd > 1024)
            return -1;
        a->notify_fd = (int)fd;
    } else
        return -1;
    return 0;
}

int pv_cli_cmd_worker(pv_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PV_CLI_COMMON_OPTIONS,
                                            {"job", required_argument, NULL, OPT_JOB},
                                            {"attempt", required_argument, NULL, OPT_ATTEMPT},
                                            {"plugin-set", required_argument, NULL, OPT_PLUGIN_SET},
                                            {"notify-fd", required_argument, NULL, OPT_NOTIFY_FD},
                                            {NULL, 0, NULL, 0}};
    worker_args args = {NULL, 0, NULL, -1};
    int parsed = pv_cli_parse(cli, argc, argv, options, worker_option, &args);

    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (args.job_id == NULL) {
        fprintf(stderr, "pivotd: worker: --job ID is required\n");
        return 2;
    }
    pv_worker_set_notify_fd(args.notify_fd);
    return pv_worker_run(&cli->config, args.job_id, args.attempt, args.plugin_set);
}
