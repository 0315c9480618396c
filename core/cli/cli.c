#include "commands.h"
#include "duration.h"
#include "log_config.h"

#include <stdio.h>
#include <string.h>

int pv_cli_common_option(pv_cli *cli, int opt, const char *arg)
{
    switch (opt) {
    case PV_OPT_CONFIG:
        cli->config_path = arg;
        return 1;
    case PV_OPT_LISTEN:
        cli->listen = arg;
        return 1;
    case PV_OPT_DATA_DIR:
        cli->data_dir = arg;
        return 1;
    case PV_OPT_STATE_DIR:
        cli->state_dir = arg;
        return 1;
    case PV_OPT_PLUGIN_DIR:
        cli->plugin_dir = arg;
        return 1;
    default:
        return 0;
    }
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

int pv_cli_resolve(pv_cli *cli)
{
    char err[1024] = "";
    pv_config *cfg = &cli->config;

    if ((cli->config_path != NULL &&
         pv_config_load_file(cfg, cli->config_path, err, sizeof(err)) != 0) ||
        (cli->listen != NULL && apply_listen(cfg, cli->listen, err, sizeof(err)) != 0) ||
        (cli->data_dir != NULL &&
         pv_config_set(cfg, "data_dir", cli->data_dir, err, sizeof(err)) != 0) ||
        (cli->state_dir != NULL &&
         pv_config_set(cfg, "state_dir", cli->state_dir, err, sizeof(err)) != 0) ||
        (cli->plugin_dir != NULL &&
         pv_config_set(cfg, "plugin_dir", cli->plugin_dir, err, sizeof(err)) != 0) ||
        pv_config_speeddata_resolve(cfg, err, sizeof(err)) != 0 ||
        pv_log_configure(cfg, 1, err, sizeof(err)) != 0) {
        fprintf(stderr, "pivotd: %s\n", err);
        return -1;
    }
    return 0;
}

void pv_cli_usage(FILE *out)
{
    fprintf(out,
            "usage: pivotd serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR]\n"
            "                    [--state-dir DIR] [--plugin-dir DIR]\n"
            "       pivotd keys create --user NAME [--role user|admin] [--label TEXT]\n"
            "                          [--expires DURATION] [--state-dir DIR]\n"
            "                          [--config FILE] [--plugin-dir DIR]\n"
            "       pivotd keys list [--state-dir DIR] [--config FILE] [--plugin-dir DIR]\n"
            "       pivotd keys revoke ID [--state-dir DIR] [--config FILE] [--plugin-dir DIR]\n"
            "       pivotd quota set --user NAME [--max-running N] [--max-queued N]\n"
            "                        [--jobs-per-day N] [--bytes-per-day N] [--max-channels N]\n"
            "                        [--max-range DURATION] (N or default) [--state-dir DIR]\n"
            "       pivotd quota show --user NAME [--state-dir DIR] [--config FILE]\n"
            "       pivotd jobs migrate --to postgresql://... [--state-dir DIR] [--config FILE]\n"
            "       pivotd worker --job ID [--state-dir DIR] [--data-dir DIR] [--config FILE]\n"
            "                     [--plugin-dir DIR | --plugin-set FILE]\n"
            "       pivotd plugins list [--plugin-dir DIR] [--state-dir DIR] [--config FILE]\n"
            "       pivotd plugins check FILE [--plugin-dir DIR] [--config FILE]\n"
            "       pivotd backup DEST [--state-dir DIR] [--config FILE]\n"
            "       pivotd check [--repair] [--state-dir DIR] [--config FILE]\n"
            "       pivotd --version\n"
            "\n"
            "Defaults: --listen 127.0.0.1:8000, --data-dir ./data, --state-dir ./pivot,\n"
            "--plugin-dir ../lib/pivot next to the executable. Flags override the config file.\n"
            "A DURATION is " PV_DURATION_FORMS ".\n"
            "PIVOT_LOG_LEVEL=debug (or error, warning, info) sets what is logged.\n"
            "See docs/operations.md.\n");
}

int pv_cli_parse(pv_cli *cli, int argc, char **argv, const struct option *options,
                 pv_cli_option_fn on_option, void *arg)
{
    int opt;

    optind = 1;
    opterr = 1;
    /* "-": arguments that are not options come in order as PV_OPT_ARGUMENT. */
    while ((opt = getopt_long(argc, argv, "-", options, NULL)) != -1) {
        if (opt == PV_OPT_HELP) {
            pv_cli_usage(stdout);
            return 1;
        }
        if (pv_cli_common_option(cli, opt, optarg))
            continue;
        if (opt == PV_OPT_ARGUMENT) {
            if (on_option != NULL && on_option(arg, opt, optarg) == 0)
                continue;
            fprintf(stderr, "pivotd: unexpected argument \"%s\"\n", optarg);
            pv_cli_usage(stderr);
            return -1;
        }
        if (opt == '?' || on_option == NULL || on_option(arg, opt, optarg) != 0) {
            pv_cli_usage(stderr);
            return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "pivotd: unexpected argument \"%s\"\n", argv[optind]);
        pv_cli_usage(stderr);
        return -1;
    }
    return pv_cli_resolve(cli);
}
