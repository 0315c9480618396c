/* pivotd quota set | show: per-user quota overrides in the job store. */
#include "commands.h"
#include "duration.h"
#include "jobstore.h"
#include "log.h"
#include "quota_store.h"
#include "state_dir.h"
#include "timeutil.h"

#include <inttypes.h>
#include <pivot/common.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { OPT_USER = PV_OPT_COMMAND, OPT_LIMIT = PV_OPT_COMMAND + 10 };

typedef struct quota_args {
    const char *user;
    int touch[PV_QUOTA_NLIMITS];
    int64_t value[PV_QUOTA_NLIMITS]; /**< -1: back to the default */
    int bad;                         /**< an option value was refused */
} quota_args;

/* Same rule as the key backends' user names, so '*' (the defaults row) can never be named. */
static int user_valid(const char *u)
{
    size_t n = strlen(u);
    if (n == 0 || n > 64)
        return 0;
    return strspn(u, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._@+-") == n;
}

static int quota_option(void *arg, int opt, const char *value)
{
    quota_args *a = arg;
    int i = opt - OPT_LIMIT;
    char why[PIVOT_ERRMSG_SIZE];

    if (opt == OPT_USER) {
        a->user = value;
        return 0;
    }
    if (i < 0 || i >= PV_QUOTA_NLIMITS)
        return -1;
    a->touch[i] = 1;
    if (strcmp(value, "default") == 0) {
        a->value[i] = -1;
        return 0;
    }
    if (pv_quota_names[i].is_duration) {
        if (pv_duration_parse(value, &a->value[i], why, sizeof(why)) != 0) {
            fprintf(stderr, "pivotd: quota set: --%s: %s; or 0 (no limit) or default\n",
                    pv_quota_names[i].option, why);
            a->bad = 1;
        }
    } else if (pivot_int_parse(value, strlen(value), 0, INT64_MAX, &a->value[i], why,
                               sizeof(why)) != 0) {
        fprintf(stderr,
                "pivotd: quota set: --%s \"%s\" is not a whole number, 0 (no limit) or default\n",
                pv_quota_names[i].option, value);
        a->bad = 1;
    }
    return 0;
}

static int open_store(pv_cli *cli, pv_jobstore **js, char *err, size_t errlen)
{
    char job_store[4096], results[4096];
    if (pv_state_dir_prepare(&cli->config, job_store, sizeof(job_store), results, sizeof(results),
                             err, errlen) != 0)
        return -1;
    return pv_jobstore_open(job_store, js, err, errlen) != 0 ? -1 : 0;
}

static int parse(pv_cli *cli, int argc, char **argv, quota_args *a, int with_limits)
{
    struct option options[PV_QUOTA_NLIMITS + 9] = {PV_CLI_COMMON_OPTIONS,
                                                   {"user", required_argument, NULL, OPT_USER}};
    size_t n = 0;
    int parsed;

    while (options[n].name != NULL)
        n++;
    for (int i = 0; with_limits && i < PV_QUOTA_NLIMITS; i++)
        options[n++] =
            (struct option){pv_quota_names[i].option, required_argument, NULL, OPT_LIMIT + i};
    options[n] = (struct option){NULL, 0, NULL, 0};
    memset(a, 0, sizeof(*a));
    parsed = pv_cli_parse(cli, argc, argv, options, quota_option, a);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (a->bad)
        return 2;
    if (a->user == NULL || !user_valid(a->user)) {
        fprintf(stderr, "pivotd: quota: --user NAME is required (1 to 64 letters, digits, . _ @ "
                        "+ -)\n");
        return 2;
    }
    return -1;
}

static void print_limits(const char *user, const pv_quota_limits *lim)
{
    printf("quota of %s (0: no limit)\n", user);
    for (int i = 0; i < PV_QUOTA_NLIMITS; i++)
        printf("  %-22s %" PRId64 "%s  (%s)\n", pv_quota_names[i].json, lim->value[i],
               pv_quota_names[i].is_duration ? " s" : "",
               lim->overridden[i] ? "set for this user" : pv_quota_names[i].config_key);
}

int pv_cli_cmd_quota_set(pv_cli *cli, int argc, char **argv)
{
    quota_args a;
    pv_jobstore *js = NULL;
    pv_quota_limits defaults, lim;
    char err[1024] = "";
    int status = parse(cli, argc, argv, &a, 1), any = 0;

    if (status >= 0)
        return status;
    status = 1;
    for (int i = 0; i < PV_QUOTA_NLIMITS; i++)
        any |= a.touch[i];
    if (!any) {
        fprintf(stderr, "pivotd: quota set: give at least one limit, e.g. --max-running 2\n");
        return 2;
    }
    if (open_store(cli, &js, err, sizeof(err)) != 0 ||
        pv_quota_store_set(js, a.user, a.touch, a.value, err, sizeof(err)) != 0)
        goto out;
    pv_quota_defaults(&cli->config, &defaults);
    if (pv_quota_store_limits(js, a.user, &defaults, &lim) != 0) {
        snprintf(err, sizeof(err), "job store: %s", pv_jobstore_errmsg(js));
        goto out;
    }
    pv_log_audit(PIVOT_LOG_INFO, "admin-action", "local", NULL, "quota set for user %s, uid %d",
                 a.user, (int)getuid());
    print_limits(a.user, &lim);
    status = 0;
out:
    pv_jobstore_close(js);
    if (status != 0)
        fprintf(stderr, "pivotd: %s\n", err);
    return status;
}

int pv_cli_cmd_quota_show(pv_cli *cli, int argc, char **argv)
{
    quota_args a;
    pv_jobstore *js = NULL;
    pv_quota_limits defaults, lim;
    pv_quota_usage use;
    char err[1024] = "";
    int status = parse(cli, argc, argv, &a, 0);

    if (status >= 0)
        return status;
    status = 1;
    if (open_store(cli, &js, err, sizeof(err)) != 0)
        goto out;
    pv_quota_defaults(&cli->config, &defaults);
    if (pv_quota_store_limits(js, a.user, &defaults, &lim) != 0 ||
        pv_quota_store_usage(js, a.user, &lim, pv_time_now_ms(), &use) != 0) {
        snprintf(err, sizeof(err), "job store: %s", pv_jobstore_errmsg(js));
        goto out;
    }
    print_limits(a.user, &lim);
    printf("usage\n  running_jobs           %" PRId64 "\n  queued_jobs            %" PRId64
           "\n  jobs_last_24h          %" PRId64 "\n  output_bytes_last_24h  %" PRId64 "\n",
           use.running, use.queued, use.jobs_day, use.bytes_day);
    status = 0;
out:
    pv_jobstore_close(js);
    if (status != 0)
        fprintf(stderr, "pivotd: %s\n", err);
    return status;
}
