/* pivotd's subcommands; each returns the process exit status. */
#ifndef PV_COMMANDS_H
#define PV_COMMANDS_H

#include "config.h"

/** Options common to the subcommands, after the config is resolved. */
typedef struct pv_cli {
    pv_config config;
    const char *config_path; /**< --config, or NULL */
    const char *job_id;      /**< worker: --job */
    const char *user;        /**< keys create: --user */
    const char *role;        /**< keys create: --role */
} pv_cli;

int pv_cmd_serve(pv_cli *cli);
int pv_cmd_keys_create(pv_cli *cli);

#endif
