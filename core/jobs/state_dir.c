#include "state_dir.h"

#include "host.h"
#include "jobstore_backend.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_dir(const char *path, char *err, size_t errlen)
{
    if (mkdir(path, 0750) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create directory %s: %s", path, strerror(errno));
        return PIVOT_EIO;
    }
    return 0;
}

int pv_state_dir_prepare(const pv_config *cfg, char *job_store, size_t job_store_len, char *results,
                         size_t results_len, char *err, size_t errlen)
{
    char real[PATH_MAX];
    int n;

    if (make_dir(cfg->state_dir, err, errlen) != 0)
        return PIVOT_EIO;
    /* Absolute paths: workers and the file handler must not depend on the cwd. */
    if (realpath(cfg->state_dir, real) == NULL) {
        snprintf(err, errlen, "state directory %s: %s", cfg->state_dir, strerror(errno));
        return PIVOT_EIO;
    }
    if (cfg->job_store != NULL && strcmp(cfg->job_store, "sqlite") != 0 &&
        !pv_jobstore_is_postgres(cfg->job_store)) {
        snprintf(err, errlen,
                 "job_store: '%s' is neither \"sqlite\" nor a PostgreSQL URI "
                 "(postgresql://user@host/database); set one of them, or leave job_store out "
                 "for <state_dir>/jobs.db",
                 cfg->job_store);
        return PIVOT_EINVAL;
    }
    if (cfg->results_dir != NULL) {
        /* A folder every node shares: made here too, then named absolutely. */
        if (make_dir(cfg->results_dir, err, errlen) != 0)
            return PIVOT_EIO;
        if (realpath(cfg->results_dir, real) == NULL) {
            snprintf(err, errlen, "results_dir %s: %s", cfg->results_dir, strerror(errno));
            return PIVOT_EIO;
        }
        n = snprintf(results, results_len, "%s", real);
    } else {
        n = snprintf(results, results_len, "%s/results", real);
    }
    if (n < 0 || (size_t)n >= results_len) {
        snprintf(err, errlen, "results directory path too long: %s", real);
        return PIVOT_ERANGE;
    }
    if (make_dir(results, err, errlen) != 0)
        return PIVOT_EIO;
    if (pv_host_job_store_path(cfg, job_store, job_store_len) != 0) {
        snprintf(err, errlen, "state directory path too long: %s", cfg->state_dir);
        return PIVOT_ERANGE;
    }
    return 0;
}

/* The number of finished result files in results (not *.part files, which
 * are partial and removed at every start anyway, nor the previews made
 * from the results); the first one's name. */
static size_t count_results(const char *results, char *first, size_t first_len)
{
    DIR *d = opendir(results);
    struct dirent *e;
    size_t n = 0, len;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        len = strlen(e->d_name);
        if (e->d_name[0] == '.' || (len > 5 && strcmp(e->d_name + len - 5, ".part") == 0) ||
            pv_state_preview_of(e->d_name) != 0)
            continue;
        if (n++ == 0)
            snprintf(first, first_len, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

int pv_state_dir_check_store(const char *job_store, const char *results, char *err, size_t errlen)
{
    struct stat st;
    char first[256] = "";
    const char *state;
    size_t n;

    /* A shared PostgreSQL store is checked by connecting to it. */
    if (pv_jobstore_is_postgres(job_store))
        return 0;
    if (stat(job_store, &st) == 0) {
        if (st.st_size > 0)
            return 0;
        state = "empty (0 bytes)";
    } else if (errno == ENOENT) {
        state = "missing";
    } else {
        snprintf(err, errlen, "job store %s: %s", job_store, strerror(errno));
        return PIVOT_EIO;
    }
    n = count_results(results, first, sizeof(first));
    if (n == 0)
        return 0;
    /* A new store would know none of these jobs (nor any API key), and its
     * orphan sweep would take every result for a crash's leftover. */
    snprintf(err, errlen,
             "the job store %s is %s but %s holds %zu result file%s (%s%s): refusing to start "
             "with a new, empty job store beside them; restore the jobs.db these results "
             "belong to, or move the files out of %s to start afresh",
             job_store, state, results, n, n == 1 ? "" : "s", first, n > 1 ? ", ..." : "", results);
    return PIVOT_EEXIST;
}

int pv_state_result_path(const char *results, const char *name, char *out, size_t len)
{
    int n;

    /* The store names a file in results/, never a path: a damaged or
     * hand-edited row cannot point anywhere else. */
    if (name[0] == '\0' || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0)
        return PIVOT_EINVAL;
    n = snprintf(out, len, "%s/%s", results, name);
    if (n < 0 || (size_t)n >= len)
        return PIVOT_ERANGE;
    return 0;
}

size_t pv_state_preview_of(const char *name)
{
    size_t len = strlen(name), slen = sizeof(PV_PREVIEW_SUFFIX) - 1;
    return len > slen && strcmp(name + len - slen, PV_PREVIEW_SUFFIX) == 0 ? len - slen : 0;
}

void pv_state_remove_preview(const char *results, const char *name)
{
    char path[PATH_MAX];
    char preview[PATH_MAX + sizeof(PV_PREVIEW_SUFFIX)];

    if (pv_state_result_path(results, name, path, sizeof(path)) != 0)
        return;
    snprintf(preview, sizeof(preview), "%s" PV_PREVIEW_SUFFIX, path);
    unlink(preview);
}

int pv_state_node_name(const pv_config *cfg, char *out, size_t len)
{
    char host[256] = "localhost", real[PATH_MAX];
    int n;

    if (cfg->node_name != NULL) {
        n = snprintf(out, len, "%s", cfg->node_name);
    } else {
        gethostname(host, sizeof(host) - 1);
        host[sizeof(host) - 1] = '\0';
        n = snprintf(out, len, "%s:%s", host,
                     realpath(cfg->state_dir, real) != NULL ? real : cfg->state_dir);
    }
    return n < 0 || (size_t)n >= len ? PIVOT_ERANGE : 0;
}
