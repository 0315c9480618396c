/*
 * pivotd keys create | list | revoke: credentials, through the first auth
 * backend of auth.backends that administers keys (create_key, list_keys,
 * revoke_key); the core knows neither which backend that is nor what its
 * keys look like.
 */
#include "abi_check.h"
#include "commands.h"
#include "duration.h"
#include "host.h"
#include "jobstore_keys.h"
#include "log.h"
#include "plugin_loader.h"
#include "state_dir.h"
#include "timeutil.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* 9999-12-31T23:59:59Z, the last time an RFC 3339 date can show. */
#define LAST_SECOND_OF_9999 INT64_C(253402300799)

enum { OPT_USER = PV_OPT_COMMAND, OPT_ROLE, OPT_LABEL, OPT_EXPIRES };

/* The loaded plugins and the open key-administering backend of one command. */
typedef struct key_admin {
    pv_registry registry;
    const pivot_auth_backend *backend;
    void *ctx;
} key_admin;

/* The registry is large: one per process, in static storage. */
static key_admin admin;

/* What a command asks of the backend. */
typedef enum key_task { TASK_CREATE, TASK_LIST, TASK_REVOKE } key_task;

static const char *const task_verbs[] = {"create", "list", "revoke"};

static int offers(const pivot_auth_backend *b, key_task task)
{
    switch (task) {
    case TASK_CREATE:
        return b->create_key != NULL;
    case TASK_LIST:
        return b->list_keys != NULL;
    case TASK_REVOKE:
        return b->revoke_key != NULL;
    }
    return 0;
}

/* The first backend of auth.backends that can do the task, loaded. */
static const pivot_auth_backend *find_backend(const pv_config *cfg, const pv_registry *reg,
                                              key_task task, char *err, size_t errlen)
{
    const char *names[16];
    size_t n = pv_config_auth_backends(cfg, names, sizeof(names) / sizeof(names[0]));
    char listed[512] = "";
    size_t used = 0;

    for (size_t i = 0; i < n; i++) {
        const pivot_auth_backend *b = pv_registry_auth(reg, names[i]);
        int w;
        if (b != NULL && offers(b, task))
            return b;
        w = snprintf(listed + used, sizeof(listed) - used, "%s%s%s", i ? ", " : "", names[i],
                     b == NULL ? " (not loaded)" : "");
        if (w > 0 && (size_t)w < sizeof(listed) - used)
            used += (size_t)w;
    }
    snprintf(err, errlen,
             "no auth backend in auth.backends (%s) can %s keys; list one whose plugin "
             "administers keys (pivotd plugins list shows what each provides)",
             listed, task_verbs[task]);
    return NULL;
}

static int key_admin_open(pv_cli *cli, key_admin *ka, key_task task, char *err, size_t errlen)
{
    const pv_config *cfg = &cli->config;
    char job_store[4096], results[4096];

    /* The state folder, where the backend keeps its keys, or the shared
     * job store, which keeps every node's keys (the host's key_store). */
    if (pv_state_dir_prepare(cfg, job_store, sizeof(job_store), results, sizeof(results), err,
                             errlen) != 0)
        return -1;
    pv_host_init(cfg);
    pv_host_set_key_store(pv_jobstore_key_store(job_store));
    if (pv_host_load_plugins(&ka->registry, cfg, err, errlen) != 0)
        return -1;
    ka->backend = find_backend(cfg, &ka->registry, task, err, errlen);
    if (ka->backend == NULL)
        return -1;
    if (ka->backend->open != NULL && ka->backend->open(&ka->ctx, err, errlen) != 0) {
        ka->backend = NULL;
        return -1;
    }
    return 0;
}

static void key_admin_close(key_admin *ka)
{
    if (ka->ctx != NULL && ka->backend != NULL && ka->backend->close != NULL)
        ka->backend->close(ka->ctx);
    ka->ctx = NULL;
    pv_jobstore_key_store_release();
}

static int fail(const char *err)
{
    fprintf(stderr, "pivotd: %s\n", err);
    return 1;
}

typedef struct keys_create_args {
    const char *user;
    const char *role;
    const char *label;
    const char *expires;
} keys_create_args;

static int keys_create_option(void *arg, int opt, const char *value)
{
    keys_create_args *a = arg;
    if (opt == OPT_USER)
        a->user = value;
    else if (opt == OPT_ROLE)
        a->role = value;
    else if (opt == OPT_LABEL)
        a->label = value;
    else if (opt == OPT_EXPIRES)
        a->expires = value;
    else
        return -1;
    return 0;
}

int pv_cli_cmd_keys_create(pv_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PV_CLI_COMMON_OPTIONS,
                                            {"user", required_argument, NULL, OPT_USER},
                                            {"role", required_argument, NULL, OPT_ROLE},
                                            {"label", required_argument, NULL, OPT_LABEL},
                                            {"expires", required_argument, NULL, OPT_EXPIRES},
                                            {NULL, 0, NULL, 0}};
    keys_create_args args = {NULL, NULL, NULL, NULL};
    char err[1024] = "", secret[256], id[64] = "", why[PIVOT_ERRMSG_SIZE];
    int64_t expires_at = 0, lifetime = 0;
    const char *role;
    int status = 1, rc;

    int parsed = pv_cli_parse(cli, argc, argv, options, keys_create_option, &args);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (args.user == NULL)
        return fail("keys create: --user NAME is required"), 2;
    if (args.expires != NULL && pv_duration_parse(args.expires, &lifetime, why, sizeof(why)) != 0) {
        fprintf(stderr, "pivotd: keys create: --expires: %s\n", why);
        return 2;
    }
    if (args.expires != NULL && lifetime == 0) {
        fprintf(stderr,
                "pivotd: keys create: --expires \"%s\" is zero; give a positive duration such "
                "as 90d, or none for a key that does not expire\n",
                args.expires);
        return 2;
    }
    /* Times are written with four-digit years: an expiry past 9999 would
     * be shown (and compared) as a date long gone. Compared before adding,
     * which could overflow. */
    if (lifetime > LAST_SECOND_OF_9999 - (int64_t)time(NULL)) {
        fprintf(stderr,
                "pivotd: keys create: --expires \"%s\" ends after the year 9999; give a "
                "shorter duration, or none for a key that does not expire\n",
                args.expires);
        return 2;
    }
    role = args.role ? args.role : "user";
    if (key_admin_open(cli, &admin, TASK_CREATE, err, sizeof(err)) != 0)
        goto out;
    /* From now, not from before the store was opened (which can take a
     * while): a short lifetime must not be over before the key exists. */
    if (lifetime > 0)
        expires_at = (int64_t)time(NULL) + lifetime;
    rc = admin.backend->create_key(admin.ctx, args.user, role, args.label, expires_at, secret,
                                   sizeof(secret), id, sizeof(id), err, sizeof(err));
    if (rc != 0)
        goto out;
    /* The key alone on stdout, so scripts can capture it. */
    printf("%s\n", secret);
    memset(secret, 0, sizeof(secret));
    pv_log_audit(PIVOT_LOG_INFO, "admin-action", "local", id[0] ? id : NULL,
                 "keys create for user %s, role %s, uid %d", args.user, role, (int)getuid());
    status = 0;
out:
    key_admin_close(&admin);
    if (status != 0)
        fail(err);
    return status;
}

/* A time column: RFC 3339 seconds, or "-" when unset. */
static void time_text(int64_t unix_s, char *out, size_t len)
{
    char t[PV_TIME_TEXT_SIZE];
    if (unix_s <= 0) {
        snprintf(out, len, "-");
        return;
    }
    pv_time_format_ms(unix_s * 1000, t);
    snprintf(out, len, "%s", t);
}

static int print_key(void *arg, const pivot_key_info *k)
{
    char created[48], used[48], expires[48], revoked[48];
    int64_t now = *(const int64_t *)arg;

    /* The ABI rule: a struct smaller than the major's first is not read. */
    if (k->size < PV_SIZE_FIRST(pivot_key_info, revoked_at)) {
        fprintf(stderr,
                "pivotd: the auth backend's plugin is broken: a key's pivot_key_info has size "
                "%zu, smaller than in plugin ABI %d (%zu); it must set size = "
                "sizeof(pivot_key_info)\n",
                k->size, PIVOT_ABI_MAJOR, PV_SIZE_FIRST(pivot_key_info, revoked_at));
        return PIVOT_EIO;
    }
    time_text(k->created_at, created, sizeof(created));
    time_text(k->last_used_at, used, sizeof(used));
    time_text(k->expires_at, expires, sizeof(expires));
    time_text(k->revoked_at, revoked, sizeof(revoked));
    printf("%-12s  %-16s  %-5s  %-20s  %-20s  %-20s%s  %-20s  %s\n", k->id, k->user, k->role,
           created, used, expires, k->expires_at > 0 && k->expires_at <= now ? "*" : " ", revoked,
           k->label ? k->label : "");
    return 0;
}

int pv_cli_cmd_keys_list(pv_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PV_CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    char err[1024] = "";
    int64_t now = (int64_t)time(NULL);
    int status = 1;
    int parsed = pv_cli_parse(cli, argc, argv, options, NULL, NULL);

    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (key_admin_open(cli, &admin, TASK_LIST, err, sizeof(err)) != 0)
        goto out;
    /* Never the keys themselves: they are not stored. '*' marks an expiry
     * that has passed. */
    printf("%-12s  %-16s  %-5s  %-20s  %-20s  %-20s   %-20s  %s\n", "ID", "USER", "ROLE", "CREATED",
           "LAST USED", "EXPIRES", "REVOKED", "LABEL");
    if (admin.backend->list_keys(admin.ctx, print_key, &now, err, sizeof(err)) != 0)
        goto out;
    status = 0;
out:
    key_admin_close(&admin);
    if (status != 0)
        fail(err);
    return status;
}

/* The option of options that word ("name" or "name=value") names, or NULL. */
static const struct option *long_option(const struct option *options, const char *word)
{
    size_t len = strcspn(word, "=");

    for (const struct option *o = options; o->name != NULL; o++)
        if (strlen(o->name) == len && strncmp(o->name, word, len) == 0)
            return o;
    return NULL;
}

int pv_cli_cmd_keys_revoke(pv_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PV_CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    char err[1024] = "", *rest[64];
    const char *id = NULL;
    int n = 0, status = 1, parsed;

    /* The key's id is the one word that is neither an option nor an
     * option's value. Ids are base64url and may start with "-" (or "--"):
     * every option is long, so a word is an option only when it names one,
     * and a word after a bare "--" is the id whatever it looks like. */
    rest[n++] = argv[0];
    for (int i = 1; i < argc && n < 63; i++) {
        const struct option *o = argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2] != '\0'
                                     ? long_option(options, argv[i] + 2)
                                     : NULL;
        if (strcmp(argv[i], "--") == 0 && id == NULL && i + 1 < argc) {
            id = argv[++i];
        } else if (o != NULL) {
            rest[n++] = argv[i];
            /* "--state-dir S": S is the option's, not the id. */
            if (o->has_arg == required_argument && strchr(argv[i], '=') == NULL && i + 1 < argc &&
                n < 63)
                rest[n++] = argv[++i];
        } else if (id == NULL) {
            id = argv[i];
        } else {
            rest[n++] = argv[i];
        }
    }
    rest[n] = NULL;
    parsed = pv_cli_parse(cli, n, rest, options, NULL, NULL);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (id == NULL)
        return fail("keys revoke: give the key's id (the ID column of pivotd keys list)"), 2;
    if (key_admin_open(cli, &admin, TASK_REVOKE, err, sizeof(err)) != 0)
        goto out;
    if (admin.backend->revoke_key(admin.ctx, id, err, sizeof(err)) != 0)
        goto out;
    pv_log_audit(PIVOT_LOG_INFO, "admin-action", "local", id, "keys revoke, uid %d", (int)getuid());
    printf("revoked %s\n", id);
    status = 0;
out:
    key_admin_close(&admin);
    if (status != 0)
        fail(err);
    return status;
}
