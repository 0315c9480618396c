#include "state_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

/* The pid the holder wrote into the lock file, or 0 when there is none yet
 * (it is between taking the lock and writing its pid). */
static long holder_pid(int fd)
{
    char text[32];
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
    char *end;
    long pid;

    if (n <= 0)
        return 0;
    text[n] = '\0';
    pid = strtol(text, &end, 10);
    return end != text && pid > 0 && pid <= INT_MAX ? pid : 0;
}

int pv_state_lock_take(const char *state_dir, char *err, size_t errlen)
{
    char path[PATH_MAX], pid[32], real[PATH_MAX];
    int fd = -1, n;

    /* The message names the directory as the operator can find it. */
    if (realpath(state_dir, real) != NULL)
        state_dir = real;
    n = snprintf(path, sizeof(path), "%s/" PV_STATE_LOCK_NAME, state_dir);
    if (n < 0 || (size_t)n >= sizeof(path)) {
        snprintf(err, errlen, "state directory path too long: %s", state_dir);
        return -1;
    }
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open the lock file %s: %s", path, strerror(errno));
        return -1;
    }
    /* flock belongs to the open file description: it goes when this
     * process exits, however it exits, and no other descriptor of the
     * process can drop it by closing the file. */
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int saved = errno;
        long other = saved == EWOULDBLOCK ? holder_pid(fd) : 0;
        if (saved != EWOULDBLOCK)
            snprintf(err, errlen, "cannot lock %s: %s", path, strerror(saved));
        else if (other > 0)
            snprintf(err, errlen,
                     "the state directory %s is in use by another pivotd serve (pid %ld); "
                     "stop it first, or give this server another --state-dir (several "
                     "nodes share jobs through a PostgreSQL job_store, each with a state "
                     "folder of its own)",
                     state_dir, other);
        else
            snprintf(err, errlen,
                     "the state directory %s is in use by another pivotd serve that is "
                     "starting; stop it first, or give this server another --state-dir",
                     state_dir);
        close(fd);
        return -1;
    }
    n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
        snprintf(err, errlen, "cannot write the lock file %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

long pv_state_lock_owner(const char *state_dir)
{
    char path[PATH_MAX];
    long pid = 0;
    int fd, n = snprintf(path, sizeof(path), "%s/" PV_STATE_LOCK_NAME, state_dir);

    if (n < 0 || (size_t)n >= sizeof(path))
        return 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return 0;
    pid = holder_pid(fd);
    close(fd);
    return pid;
}

int pv_results_lock_take(const char *results_dir, int shared_store, char *err, size_t errlen)
{
    /* The folder itself is locked: a lock file would be one more name among
     * the results, for every tool that lists them. */
    int fd = open(results_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0) {
        snprintf(err, errlen, "cannot open the results folder %s: %s", results_dir,
                 strerror(errno));
        return -1;
    }
    if (flock(fd, (shared_store ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0)
        return fd;
    int saved = errno;
    close(fd);
    /* A file system without such locks (some NFS setups) is not checked. */
    if (saved != EWOULDBLOCK)
        return -2;
    if (shared_store)
        snprintf(err, errlen,
                 "the results folder %s is in use by a pivotd serve on an embedded SQLite job "
                 "store, which keeps its results to itself; give this node another results_dir, "
                 "or move that server to the PostgreSQL job_store (pivotd jobs migrate)",
                 results_dir);
    else
        snprintf(err, errlen,
                 "the results folder %s is in use by another pivotd serve; a server on the "
                 "embedded SQLite job store needs a results_dir of its own (it removes the "
                 "files its jobs.db does not know): give it another results_dir, or share "
                 "jobs and results between nodes through a PostgreSQL job_store",
                 results_dir);
    return -1;
}

void pv_state_lock_release(int fd)
{
    if (fd >= 0)
        close(fd);
}
