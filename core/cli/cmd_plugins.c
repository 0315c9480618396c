/*
 * pivotd plugins list | check FILE: what a server would load, and why a
 * file would be refused, for operators and plugin authors.
 */
#include "commands.h"
#include "host.h"
#include "plugin_loader.h"
#include "plugin_set.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Appends "kind: a, b" for the providers of one kind that plugin registered. */
static void describe_kind(const pv_provider *list, int n, int plugin, const char *kind,
                          const char *(*name_of)(const void *), char *buf, size_t len)
{
    size_t used = strlen(buf);
    int first = 1;

    for (int i = 0; i < n && used < len; i++) {
        if (list[i].plugin != plugin)
            continue;
        int w = snprintf(buf + used, len - used, "%s%s%s", first ? (used ? "; " : "") : ", ",
                         first ? kind : "", name_of(list[i].provider));
        if (w < 0)
            return;
        used += (size_t)w;
        first = 0;
    }
}

static const char *timespec_name(const void *p)
{
    return ((const pivot_timespec_parser *)p)->type;
}

static const char *source_name(const void *p)
{
    return ((const pivot_source *)p)->name;
}

static const char *exporter_name(const void *p)
{
    return ((const pivot_exporter *)p)->name;
}

static const char *auth_name(const void *p)
{
    return ((const pivot_auth_backend *)p)->name;
}

static const char *preset_name(const void *p)
{
    return ((const pivot_preset *)p)->name;
}

/* Writes what plugin index `plugin` provides, e.g. "exporter: hdf5; source: avro";
 * presets last, since a plugin may bring many. */
static void describe_plugin(const pv_registry *reg, int plugin, char *buf, size_t len)
{
    buf[0] = '\0';
    describe_kind(reg->timespecs, reg->ntimespecs, plugin, "time_range: ", timespec_name, buf, len);
    describe_kind(reg->sources, reg->nsources, plugin, "source: ", source_name, buf, len);
    describe_kind(reg->exporters, reg->nexporters, plugin, "exporter: ", exporter_name, buf, len);
    describe_kind(reg->auths, reg->nauths, plugin, "auth: ", auth_name, buf, len);
    describe_kind(reg->presets, reg->npresets, plugin, "preset: ", preset_name, buf, len);
    if (buf[0] == '\0')
        snprintf(buf, len, "(nothing)");
}

static void print_plugin(FILE *out, const pv_registry *reg, int i)
{
    const pv_plugin *p = &reg->plugins[i];
    char abi[32], provides[1024];

    snprintf(abi, sizeof(abi), "%u", (unsigned)p->magic->abi_major);
    describe_plugin(reg, i, provides, sizeof(provides));
    fprintf(out, "%-12s %-10s %-5s %s\n  provides: %s\n", p->magic->name, p->magic->version, abi,
            p->path, provides);
}

/* Parses the command's options; FILE, if wanted, is the first argument after the word. */
static int parse(pv_cli *cli, int argc, char **argv, const char **file)
{
    static const struct option options[] = {PV_CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    char *rest[64];
    int n = 0, parsed;

    if (argc > (int)(sizeof(rest) / sizeof(rest[0]))) {
        fprintf(stderr, "pivotd: plugins: too many arguments\n");
        return 2;
    }
    rest[n++] = argv[0];
    if (file != NULL) {
        if (argc < 2 || argv[1][0] == '-') {
            if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
                pv_cli_usage(stdout);
                return 1;
            }
            fprintf(stderr, "pivotd: plugins check: FILE is required\n");
            pv_cli_usage(stderr);
            return 2;
        }
        *file = argv[1];
        argv++;
        argc--;
    }
    for (int i = 1; i < argc; i++)
        rest[n++] = argv[i];
    rest[n] = NULL;
    parsed = pv_cli_parse(cli, n, rest, options, NULL, NULL);
    if (parsed != 0)
        return parsed > 0 ? 1 : 2;
    return 0;
}

/* The plugin set of the server running on cfg's state directory, if one is running. */
typedef struct running_set {
    pv_plugin_set_entry *entries;
    size_t n;
    pid_t pid; /* 0: no server running */
} running_set;

static void running_set_read(const pv_config *cfg, running_set *rs)
{
    char path[4200], err[512];

    memset(rs, 0, sizeof(*rs));
    if (snprintf(path, sizeof(path), "%s/%s", cfg->state_dir, PV_PLUGIN_SET_NAME) >=
            (int)sizeof(path) ||
        pv_plugin_set_read(path, &rs->entries, &rs->n, &rs->pid, err, sizeof(err)) != 0)
        return;
    /* A record left by a server that has stopped says nothing of what runs. */
    if (rs->pid <= 0 || (kill(rs->pid, 0) != 0 && errno != EPERM)) {
        free(rs->entries);
        memset(rs, 0, sizeof(*rs));
    }
}

/* Whether the running server uses the file at path as it is now. */
static void print_in_use(const running_set *rs, const char *path)
{
    pv_plugin_file now;
    char err[256];

    if (rs->pid == 0)
        return;
    for (size_t i = 0; i < rs->n; i++) {
        if (strcmp(rs->entries[i].path, path) != 0)
            continue;
        if (pv_plugin_file_identity(path, &now, err, sizeof(err)) == 0 &&
            pv_plugin_file_same(&rs->entries[i].file, &now))
            printf("  in use: yes, by the server (pid %ld)\n", (long)rs->pid);
        else
            printf("  in use: no, changed after the server (pid %ld) loaded it; jobs fail until "
                   "the server restarts\n",
                   (long)rs->pid);
        return;
    }
    printf("  in use: no, added after the server (pid %ld) started; takes effect when it "
           "restarts\n",
           (long)rs->pid);
}

int pv_cli_cmd_plugins_list(pv_cli *cli, int argc, char **argv)
{
    static pv_registry registry;
    const pivot_host *host;
    running_set running = {NULL, 0, 0};
    char dir[1024], err[1024] = "", **paths = NULL;
    size_t n = 0;
    int status = 1, refused = 0, parsed = parse(cli, argc, argv, NULL);

    if (parsed != 0)
        return parsed == 1 ? 0 : 2;
    host = pv_host_init(&cli->config);
    registry.loading = -1;
    if (pv_host_plugin_dir(&cli->config, dir, sizeof(dir), err, sizeof(err)) != 0 ||
        pv_plugin_list_dir(dir, &paths, &n, err, sizeof(err)) != 0) {
        fprintf(stderr, "pivotd: %s\n", err);
        goto out;
    }
    running_set_read(&cli->config, &running);
    printf("server ABI %u, plugin directory %s\n", (unsigned)host->abi_major, dir);
    if (running.pid != 0)
        printf("running server: pid %ld, %zu plugin file(s) in use\n", (long)running.pid,
               running.n);
    printf("%-12s %-10s %-5s %s\n", "NAME", "VERSION", "ABI", "FILE");
    /* Unlike the server, go on past a refused file so that every problem shows. */
    for (size_t i = 0; i < n; i++) {
        if (pv_plugin_load(&registry, host, paths[i], err, sizeof(err)) != 0) {
            printf("%-12s %-10s %-5s %s\n  refused: %s\n", "-", "-", "-", paths[i], err);
            print_in_use(&running, paths[i]);
            refused++;
            continue;
        }
        print_plugin(stdout, &registry, registry.nplugins - 1);
        print_in_use(&running, paths[i]);
    }
    if (refused > 0)
        fprintf(stderr, "pivotd: %d plugin file(s) refused: the server would not start\n", refused);
    status = refused > 0 ? 1 : 0;
out:
    free(running.entries);
    pv_plugin_free_names(paths, n);
    return status;
}

/* True when a and b name the same file. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* Tells the parent which stage a crash would belong to: 'F' the file, 'I' an installed plugin. */
static int stage(int progress_fd, char what)
{
    return write(progress_fd, &what, 1) == 1 ? 0 : -1;
}

/*
 * Loads the installed plugins and then file, as a server would, so that a
 * clash of names shows too. An installed plugin of the same name as file
 * (file is a rebuilt copy of it) is left out: file is checked as its
 * replacement. Runs in a child process.
 */
static int check_in_child(const pv_config *cfg, const char *file, int progress_fd)
{
    static pv_registry registry;
    const pivot_host *host = pv_host_init(cfg);
    char dir[1024], err[1024] = "", **paths = NULL;
    size_t n = 0;
    int status = 1;
    pv_plugin candidate;

    registry.loading = -1;
    if (access(file, R_OK) != 0) {
        printf("%s: refused: cannot read the file\n", file);
        goto out;
    }
    /* Its magic first (no init yet), to know which installed plugin it replaces. */
    if (stage(progress_fd, 'F') != 0)
        goto out;
    if (pv_plugin_open(host, file, &candidate, err, sizeof(err)) != 0) {
        printf("refused: %s\n", err);
        goto out;
    }
    if (stage(progress_fd, 'I') != 0)
        goto out;
    if (pv_host_plugin_dir(cfg, dir, sizeof(dir), err, sizeof(err)) == 0 &&
        pv_plugin_list_dir(dir, &paths, &n, err, sizeof(err)) == 0) {
        for (size_t i = 0; i < n; i++) {
            pv_plugin installed;

            if (same_file(paths[i], file))
                continue;
            if (pv_plugin_open(host, paths[i], &installed, err, sizeof(err)) != 0) {
                fprintf(stderr, "pivotd: note: installed plugin not loaded: %s\n", err);
                continue;
            }
            if (strcmp(installed.magic->name, candidate.magic->name) == 0) {
                fprintf(stderr, "pivotd: note: %s is checked in place of the installed %s\n", file,
                        paths[i]);
                pv_plugin_discard(&installed);
                continue;
            }
            if (pv_plugin_start(&registry, host, &installed, err, sizeof(err)) != 0)
                fprintf(stderr, "pivotd: note: installed plugin not loaded: %s\n", err);
        }
    } else {
        fprintf(stderr, "pivotd: note: not checked against installed plugins: %s\n", err);
    }
    if (stage(progress_fd, 'F') != 0)
        goto out;
    if (pv_plugin_start(&registry, host, &candidate, err, sizeof(err)) != 0) {
        printf("refused: %s\n", err);
        goto out;
    }
    printf("%s: ok (server ABI %u)\n", file, (unsigned)host->abi_major);
    printf("%-12s %-10s %-5s %s\n", "NAME", "VERSION", "ABI", "FILE");
    print_plugin(stdout, &registry, registry.nplugins - 1);
    status = 0;
out:
    fflush(stdout);
    pv_plugin_free_names(paths, n);
    return status;
}

int pv_cli_cmd_plugins_check(pv_cli *cli, int argc, char **argv)
{
    const char *file = NULL;
    char local[1024];
    int parsed = parse(cli, argc, argv, &file), wstatus, progress[2];
    char reached = 0;
    pid_t pid;

    if (parsed != 0)
        return parsed == 1 ? 0 : 2;
    /* dlopen searches the library path for a name without a slash; the user means this file. */
    if (strchr(file, '/') == NULL) {
        snprintf(local, sizeof(local), "./%s", file);
        file = local;
    }
    /* A broken plugin may crash in its init: run it where that only ends a child. */
    fflush(stdout);
    fflush(stderr);
    if (pipe(progress) != 0) {
        perror("pivotd: pipe");
        return 2;
    }
    pid = fork();
    if (pid < 0) {
        perror("pivotd: fork");
        return 2;
    }
    if (pid == 0) {
        close(progress[0]);
        _exit(check_in_child(&cli->config, file, progress[1]));
    }
    close(progress[1]);
    while (waitpid(pid, &wstatus, 0) < 0) {
        if (errno == EINTR)
            continue;
        perror("pivotd: waitpid");
        return 2;
    }
    /* The last stage the child reached says whose code was running. */
    for (char c; read(progress[0], &c, 1) == 1;)
        reached = c;
    close(progress[0]);
    if (WIFSIGNALED(wstatus) && reached != 'F') {
        printf("%s: not checked: an installed plugin crashed while loading (signal %d, %s); "
               "see pivotd plugins list\n",
               file, WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
        return 1;
    }
    if (WIFSIGNALED(wstatus)) {
        printf("%s: refused: the plugin crashed while loading (signal %d, %s); a server "
               "loading it would crash too\n",
               file, WTERMSIG(wstatus), strsignal(WTERMSIG(wstatus)));
        return 1;
    }
    return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0 ? 0 : 1;
}
