/*
 * pivotd backup DEST: a consistent copy of the job store and of every other
 * SQLite database in the state directory (the auth plugin's auth.db: the
 * API keys), taken while the server runs. Result files are not copied
 * (docs/operations.md, "Backups and checks").
 */
#include "commands.h"
#include "host.h"
#include "jobstore.h"
#include "log.h"
#include "store_backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct backup_args {
    const char *dest;
    int extra; /**< more than one DEST given */
} backup_args;

static int backup_argument(void *arg, int opt, const char *value)
{
    backup_args *a = arg;
    if (opt != PV_OPT_ARGUMENT)
        return -1;
    if (a->dest != NULL)
        a->extra = 1;
    a->dest = value;
    return 0;
}

/* DEST is created (0700: it holds every user's jobs and the key hashes), or
 * may exist empty; a backup never overwrites an older one. */
static int make_dest(const char *dest, char *err, size_t errlen)
{
    DIR *d;
    struct dirent *e;

    if (mkdir(dest, 0700) == 0)
        return 0;
    if (errno != EEXIST || (d = opendir(dest)) == NULL) {
        snprintf(err, errlen, "cannot create %s: %s", dest, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL && e->d_name[0] == '.')
        ;
    closedir(d);
    if (e != NULL) {
        snprintf(err, errlen, "%s exists and is not empty; give a new or empty directory", dest);
        return -1;
    }
    return 0;
}

static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n > k && strcmp(name + n - k, suffix) == 0;
}

static int copy_one(const char *src, const char *dest_dir, const char *name, char *err,
                    size_t errlen)
{
    char dest[PATH_MAX + 256];
    int64_t pages = 0;

    snprintf(dest, sizeof(dest), "%s/%s", dest_dir, name);
    if (pv_store_backup(src, dest, &pages, err, errlen) != 0)
        return -1;
    printf("%s: %" PRId64 " pages from %s, integrity ok\n", dest, pages, src);
    return 0;
}

int pv_cli_cmd_backup(pv_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {PV_CLI_COMMON_OPTIONS, {NULL, 0, NULL, 0}};
    backup_args a = {NULL, 0};
    char job_store[PATH_MAX], real_store[PATH_MAX], src[PATH_MAX + 256], real_src[PATH_MAX];
    char err[1024] = "";
    const char *state;
    DIR *d = NULL;
    struct dirent *e;
    int status = 1, fd;

    int parsed = pv_cli_parse(cli, argc, argv, options, backup_argument, &a);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    if (a.dest == NULL || a.extra) {
        fprintf(stderr, "pivotd: backup: give one destination directory: pivotd backup DEST\n");
        return 2;
    }
    state = cli->config.state_dir;
    if (pv_jobstore_is_postgres(cli->config.job_store)) {
        snprintf(err, sizeof(err),
                 "the job store is a PostgreSQL database (job_store): back it up with pg_dump, "
                 "as docs/operations.md shows; pivotd backup copies the embedded SQLite store");
        goto out;
    }
    if (pv_host_job_store_path(&cli->config, job_store, sizeof(job_store)) != 0 ||
        realpath(job_store, real_store) == NULL) {
        snprintf(err, sizeof(err), "no job store at %.900s (--state-dir, --config): %s", job_store,
                 strerror(errno));
        goto out;
    }
    /* The copies hold every user's jobs and the keys' hashes: readable by
     * the server's user alone, whatever the directory they go into. */
    umask(077);
    if (make_dest(a.dest, err, sizeof(err)) != 0 ||
        copy_one(real_store, a.dest, "jobs.db", err, sizeof(err)) != 0)
        goto out;
    /* The plugins' databases beside it: the API keys (auth.db). */
    d = opendir(state);
    if (d == NULL) {
        snprintf(err, sizeof(err), "cannot read %s: %s", state, strerror(errno));
        goto out;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, ".db"))
            continue;
        snprintf(src, sizeof(src), "%s/%s", state, e->d_name);
        if (realpath(src, real_src) == NULL || strcmp(real_src, real_store) == 0)
            continue;
        if (copy_one(real_src, a.dest, e->d_name, err, sizeof(err)) != 0)
            goto out;
    }
    /* The new names are durable once the directory is. */
    fd = open(a.dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    pv_log_audit(PIVOT_LOG_INFO, "admin-action", "local", NULL, "backup to %s, uid %d", a.dest,
                 (int)getuid());
    status = 0;
out:
    if (d != NULL)
        closedir(d);
    if (status != 0)
        fprintf(stderr, "pivotd: backup: %s\n", err);
    return status;
}
