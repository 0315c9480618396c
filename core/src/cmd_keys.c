#include "commands.h"
#include "host.h"
#include "jobstore.h"
#include "plugin_loader.h"
#include "state_dir.h"

#include <stdio.h>
#include <string.h>

enum { OPT_USER = PV_OPT_COMMAND, OPT_ROLE };

typedef struct keys_create_args {
    const char *user;
    const char *role;
} keys_create_args;

static int keys_create_option(void *arg, int opt, const char *value)
{
    keys_create_args *a = arg;
    if (opt == OPT_USER)
        a->user = value;
    else if (opt == OPT_ROLE)
        a->role = value;
    else
        return -1;
    return 0;
}

int pv_cmd_keys_create(pv_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PV_CLI_COMMON_OPTIONS,
                                            {"user", required_argument, NULL, OPT_USER},
                                            {"role", required_argument, NULL, OPT_ROLE},
                                            {NULL, 0, NULL, 0}};
    keys_create_args args = {NULL, NULL};
    static pv_registry registry;
    const pv_config *cfg = &cli->config;
    const pivot_auth_backend *backend = NULL;
    pv_jobstore *js = NULL;
    void *ctx = NULL;
    char job_store[4096], results[4096], err[1024] = "", secret[256];
    int status = 1;

    int parsed = pv_cli_parse(cli, argc, argv, options, keys_create_option, &args);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (args.user == NULL) {
        snprintf(err, sizeof(err), "keys create: --user NAME is required");
        goto out;
    }
    if (pv_state_dir_prepare(cfg, job_store, sizeof(job_store), results, sizeof(results), err,
                             sizeof(err)) != 0 ||
        pv_jobstore_open(job_store, &js, err, sizeof(err)) != 0)
        goto out;
    pv_host_init(cfg);
    if (pv_host_load_plugins(&registry, cfg, err, sizeof(err)) != 0)
        goto out;
    backend = pv_registry_auth(&registry, "apikey");
    if (backend == NULL || backend->create_key == NULL) {
        snprintf(err, sizeof(err), "no loaded plugin provides the \"apikey\" auth backend");
        goto out;
    }
    if (backend->open != NULL && backend->open(&ctx, err, sizeof(err)) != 0)
        goto out;
    if (backend->create_key(ctx, args.user, args.role ? args.role : "user", secret, sizeof(secret),
                            err, sizeof(err)) != 0)
        goto out;
    /* The key alone on stdout, so scripts can capture it. */
    printf("%s\n", secret);
    memset(secret, 0, sizeof(secret));
    status = 0;
out:
    if (ctx != NULL && backend != NULL && backend->close != NULL)
        backend->close(ctx);
    pv_plugin_unload_all(&registry);
    pv_jobstore_close(js);
    if (status != 0)
        fprintf(stderr, "pivotd: %s\n", err);
    return status;
}
