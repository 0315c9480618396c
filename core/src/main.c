/*
 * pivotd: the SpeedData Pivot export service.
 *
 *   pivotd serve   the HTTP API, the scheduler and the worker processes
 *   pivotd worker  one export job (started by the server's scheduler)
 *   pivotd keys    API key administration
 */
#include "commands.h"
#include "log.h"
#include "worker.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fprintf(out,
            "usage: pivotd serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR]\n"
            "                    [--state-dir DIR] [--plugin-dir DIR]\n"
            "       pivotd keys create --user NAME [--role user|admin] [--state-dir DIR]\n"
            "                          [--config FILE] [--plugin-dir DIR]\n"
            "       pivotd worker --job ID [--state-dir DIR] [--data-dir DIR] [--config FILE]\n"
            "                     [--plugin-dir DIR]\n"
            "       pivotd --version\n"
            "\n"
            "Defaults: --listen 127.0.0.1:8000, --data-dir ./data, --state-dir ./pivot,\n"
            "--plugin-dir ../lib/pivot next to the executable. Flags override the config file.\n"
            "See docs/operations.md.\n");
}

/* Splits HOST:PORT (or [v6]:PORT) into the api.host and api.port settings. */
static int apply_listen(pv_config *cfg, const char *value, char *err, size_t errlen)
{
    char host[256];
    const char *colon = strrchr(value, ':');
    size_t hlen;

    if (colon == NULL || colon == value) {
        snprintf(err, errlen, "--listen: \"%s\" is not HOST:PORT (e.g. 127.0.0.1:8000)", value);
        return -1;
    }
    hlen = (size_t)(colon - value);
    if (value[0] == '[' && hlen >= 2 && value[hlen - 1] == ']') {
        value++;
        hlen -= 2;
    }
    if (hlen >= sizeof(host)) {
        snprintf(err, errlen, "--listen: host too long");
        return -1;
    }
    memcpy(host, value, hlen);
    host[hlen] = '\0';
    if (pv_config_set(cfg, "api.host", host, err, errlen) != 0)
        return -1;
    return pv_config_set(cfg, "api.port", colon + 1, err, errlen);
}

enum {
    OPT_CONFIG = 1000,
    OPT_LISTEN,
    OPT_DATA,
    OPT_STATE,
    OPT_PLUGINS,
    OPT_JOB,
    OPT_USER,
    OPT_ROLE,
    OPT_HELP,
    OPT_VERSION
};

int main(int argc, char **argv)
{
    static const struct option options[] = {
        {"config", required_argument, NULL, OPT_CONFIG},
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"data-dir", required_argument, NULL, OPT_DATA},
        {"state-dir", required_argument, NULL, OPT_STATE},
        {"plugin-dir", required_argument, NULL, OPT_PLUGINS},
        {"job", required_argument, NULL, OPT_JOB},
        {"user", required_argument, NULL, OPT_USER},
        {"role", required_argument, NULL, OPT_ROLE},
        {"help", no_argument, NULL, OPT_HELP},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    pv_cli cli;
    const char *command, *subcommand = NULL, *listen = NULL, *data = NULL, *state = NULL,
                         *plugins = NULL;
    char err[1024] = "";
    int status = 2, opt;

    memset(&cli, 0, sizeof(cli));
    if (pv_config_defaults(&cli.config) != 0) {
        fprintf(stderr, "pivotd: out of memory\n");
        return 1;
    }
    if (argc < 2) {
        usage(stderr);
        goto out;
    }
    command = argv[1];
    if (strcmp(command, "--version") == 0) {
        printf("pivotd %s\n", PIVOT_VERSION);
        status = 0;
        goto out;
    }
    if (strcmp(command, "--help") == 0 || strcmp(command, "help") == 0) {
        usage(stdout);
        status = 0;
        goto out;
    }
    optind = 2;
    if (strcmp(command, "keys") == 0) {
        if (argc < 3) {
            usage(stderr);
            goto out;
        }
        subcommand = argv[2];
        optind = 3;
    }
    while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (opt) {
        case OPT_CONFIG:
            cli.config_path = optarg;
            break;
        case OPT_LISTEN:
            listen = optarg;
            break;
        case OPT_DATA:
            data = optarg;
            break;
        case OPT_STATE:
            state = optarg;
            break;
        case OPT_PLUGINS:
            plugins = optarg;
            break;
        case OPT_JOB:
            cli.job_id = optarg;
            break;
        case OPT_USER:
            cli.user = optarg;
            break;
        case OPT_ROLE:
            cli.role = optarg;
            break;
        case OPT_HELP:
            usage(stdout);
            status = 0;
            goto out;
        default:
            usage(stderr);
            goto out;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "pivotd: unexpected argument \"%s\"\n", argv[optind]);
        usage(stderr);
        goto out;
    }
    /* Defaults, then the file, then flags. */
    if ((cli.config_path != NULL &&
         pv_config_load_file(&cli.config, cli.config_path, err, sizeof(err)) != 0) ||
        (listen != NULL && apply_listen(&cli.config, listen, err, sizeof(err)) != 0) ||
        (data != NULL && pv_config_set(&cli.config, "data_dir", data, err, sizeof(err)) != 0) ||
        (state != NULL && pv_config_set(&cli.config, "state_dir", state, err, sizeof(err)) != 0) ||
        (plugins != NULL &&
         pv_config_set(&cli.config, "plugin_dir", plugins, err, sizeof(err)) != 0)) {
        fprintf(stderr, "pivotd: %s\n", err);
        goto out;
    }
    if (strcmp(command, "serve") == 0) {
        status = pv_cmd_serve(&cli);
    } else if (strcmp(command, "worker") == 0) {
        if (cli.job_id == NULL) {
            fprintf(stderr, "pivotd: worker: --job ID is required\n");
            goto out;
        }
        status = pv_worker_run(&cli.config, cli.job_id);
    } else if (strcmp(command, "keys") == 0 && strcmp(subcommand, "create") == 0) {
        status = pv_cmd_keys_create(&cli);
    } else {
        fprintf(stderr, "pivotd: unknown command \"%s%s%s\"\n", command, subcommand ? " " : "",
                subcommand ? subcommand : "");
        usage(stderr);
    }
out:
    pv_config_free(&cli.config);
    return status;
}
