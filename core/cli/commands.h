/*
 * pivotd's subcommands. Each parses its own options (the common ones through
 * pv_cli_common_option), resolves the configuration with pv_cli_resolve, and
 * returns the process exit status.
 */
#ifndef PV_COMMANDS_H
#define PV_COMMANDS_H

#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

/** Settings every command shares. */
typedef struct pv_cli {
    pv_config config;
    const char *config_path; /**< --config, or NULL */
    const char *listen;      /**< --listen HOST:PORT, or NULL */
    const char *data_dir;    /**< --data-dir, or NULL */
    const char *state_dir;   /**< --state-dir, or NULL */
    const char *plugin_dir;  /**< --plugin-dir, or NULL */
} pv_cli;

/* Option codes of the common options; commands number their own from PV_OPT_COMMAND. */
enum {
    PV_OPT_ARGUMENT = 1, /**< an argument that is not an option (DEST of backup) */
    PV_OPT_CONFIG = 1000,
    PV_OPT_LISTEN,
    PV_OPT_DATA_DIR,
    PV_OPT_STATE_DIR,
    PV_OPT_PLUGIN_DIR,
    PV_OPT_HELP,
    PV_OPT_COMMAND = 1100
};

/** The common options, for a command's getopt_long table. */
#define PV_CLI_COMMON_OPTIONS                                                                      \
    {"config", required_argument, NULL, PV_OPT_CONFIG},                                            \
        {"listen", required_argument, NULL, PV_OPT_LISTEN},                                        \
        {"data-dir", required_argument, NULL, PV_OPT_DATA_DIR},                                    \
        {"state-dir", required_argument, NULL, PV_OPT_STATE_DIR},                                  \
        {"plugin-dir", required_argument, NULL, PV_OPT_PLUGIN_DIR},                                \
    {                                                                                              \
        "help", no_argument, NULL, PV_OPT_HELP                                                     \
    }

/** Records a common option; returns 1 when opt was one, 0 otherwise. */
int pv_cli_common_option(pv_cli *cli, int opt, const char *arg);

/**
 * Builds cli->config: defaults, then the --config file, then the flags.
 * Prints the problem and returns -1 when a setting is invalid.
 */
int pv_cli_resolve(pv_cli *cli);

/** Receives a command's own option (opt, optarg); non-zero refuses it. */
typedef int (*pv_cli_option_fn)(void *arg, int opt, const char *value);

/**
 * Parses argv (argv[0] is the command's word) with options, which must
 * include PV_CLI_COMMON_OPTIONS, then resolves the configuration. Returns
 * 0, 1 when --help was answered, or -1 after printing what is wrong.
 */
int pv_cli_parse(pv_cli *cli, int argc, char **argv, const struct option *options,
                 pv_cli_option_fn on_option, void *arg);

/** Prints the usage of every command. */
void pv_cli_usage(FILE *out);

/** A subcommand: argv[0] is its last word ("serve", "create"), options follow. */
typedef int (*pv_command_fn)(pv_cli *cli, int argc, char **argv);

int pv_cli_cmd_serve(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_worker(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_keys_create(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_keys_list(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_keys_revoke(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_quota_set(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_quota_show(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_plugins_list(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_jobs_migrate(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_plugins_check(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_backup(pv_cli *cli, int argc, char **argv);
int pv_cli_cmd_check(pv_cli *cli, int argc, char **argv);

#endif
