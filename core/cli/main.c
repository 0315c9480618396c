/*
 * pivotd: the SpeedData Pivot export service.
 *
 *   pivotd serve   the HTTP API, the scheduler and the worker processes
 *   pivotd worker  one export job (started by the server's scheduler)
 *   pivotd keys    API key administration
 *   pivotd quota   per-user quotas
 *   pivotd jobs    the job store (migrate from SQLite to PostgreSQL)
 *   pivotd plugins what plugins would load, and why a file would not
 *   pivotd backup  a consistent copy of the job store and keys, while serving
 *   pivotd check   the job store against the results folder, and repairs
 */
#include "commands.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Every subcommand: one or two words and the function that runs it. */
static const struct {
    const char *word;
    const char *subword; /* NULL for one-word commands */
    pv_command_fn run;
} commands[] = {
    {"serve", NULL, pv_cli_cmd_serve},
    {"worker", NULL, pv_cli_cmd_worker},
    {"keys", "create", pv_cli_cmd_keys_create},
    {"keys", "list", pv_cli_cmd_keys_list},
    {"keys", "revoke", pv_cli_cmd_keys_revoke},
    {"quota", "set", pv_cli_cmd_quota_set},
    {"quota", "show", pv_cli_cmd_quota_show},
    {"jobs", "migrate", pv_cli_cmd_jobs_migrate},
    {"plugins", "list", pv_cli_cmd_plugins_list},
    {"plugins", "check", pv_cli_cmd_plugins_check},
    {"backup", NULL, pv_cli_cmd_backup},
    {"check", NULL, pv_cli_cmd_check},
};

int main(int argc, char **argv)
{
    pv_cli cli;
    int status = 2;

    /* The job store, result files and key hashes are other users' data:
     * everything pivotd and its workers create is private to its user. */
    umask(077);
    memset(&cli, 0, sizeof(cli));
    if (pv_config_defaults(&cli.config) != 0) {
        fprintf(stderr, "pivotd: out of memory\n");
        return 1;
    }
    if (argc < 2) {
        pv_cli_usage(stderr);
        goto out;
    }
    /* From the environment, so that the workers a server starts inherit it. */
    const char *level = getenv("PIVOT_LOG_LEVEL");
    pivot_log_level max_level;
    if (level != NULL && level[0] != '\0') {
        if (pv_log_level_parse(level, &max_level) != 0) {
            fprintf(stderr,
                    "pivotd: PIVOT_LOG_LEVEL=\"%s\": expected error, warning, info or debug\n",
                    level);
            goto out;
        }
        pv_log_set_level(max_level);
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("pivotd %s\n", PIVOT_VERSION);
        status = 0;
        goto out;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        pv_cli_usage(stdout);
        status = 0;
        goto out;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[1], commands[i].word) != 0)
            continue;
        /* A two-word command's first word alone, or with --help: its usage,
         * not "unknown command". */
        if (commands[i].subword != NULL && (argc < 3 || argv[2][0] == '-')) {
            int help = argc >= 3 && strcmp(argv[2], "--help") == 0;
            if (!help)
                fprintf(stderr, "pivotd: %s: expected a subcommand%s%s\n", argv[1],
                        argc >= 3 ? " before " : "", argc >= 3 ? argv[2] : "");
            pv_cli_usage(help ? stdout : stderr);
            status = help ? 0 : 2;
            goto out;
        }
        if (commands[i].subword == NULL) {
            status = commands[i].run(&cli, argc - 1, argv + 1);
            goto out;
        }
        if (argc >= 3 && strcmp(argv[2], commands[i].subword) == 0) {
            status = commands[i].run(&cli, argc - 2, argv + 2);
            goto out;
        }
    }
    fprintf(stderr, "pivotd: unknown command \"%s%s%s\"\n", argv[1], argc >= 3 ? " " : "",
            argc >= 3 ? argv[2] : "");
    pv_cli_usage(stderr);
out:
    pv_config_free(&cli.config);
    return status;
}
