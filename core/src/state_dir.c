#include "state_dir.h"

#include "host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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
    n = snprintf(results, results_len, "%s/results", real);
    if (n < 0 || (size_t)n >= results_len) {
        snprintf(err, errlen, "state directory path too long: %s", real);
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
