#include "worker_lock.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int lock_path(const char *state_dir, const char *job_id, char *out, size_t len)
{
    int n = snprintf(out, len, "%s/" PV_WORKER_LOCK_DIR "/%s.lock", state_dir, job_id);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The whole file, for writing. */
static struct flock whole_file(void)
{
    struct flock fl;
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    return fl;
}

int pv_worker_lock_take(const char *state_dir, const char *job_id, char *err, size_t errlen)
{
    char dir[PATH_MAX], path[PATH_MAX];
    struct flock fl = whole_file();
    int fd;

    if (snprintf(dir, sizeof(dir), "%s/" PV_WORKER_LOCK_DIR, state_dir) >= (int)sizeof(dir) ||
        lock_path(state_dir, job_id, path, sizeof(path)) != 0) {
        snprintf(err, errlen, "the state directory's path is too long");
        return -1;
    }
    if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    /* A process-associated lock: it goes when this process does, and a
     * child it starts (none) would not inherit it. */
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        struct flock held = whole_file();
        int saved = errno;
        if (fcntl(fd, F_GETLK, &held) == 0 && held.l_type != F_UNLCK)
            snprintf(err, errlen, "%s is held by process %ld: another worker runs this job", path,
                     (long)held.l_pid);
        else
            snprintf(err, errlen, "cannot lock %s: %s", path, strerror(saved));
        close(fd);
        return -1;
    }
    return fd;
}

pid_t pv_worker_lock_holder(const char *state_dir, const char *job_id)
{
    char path[PATH_MAX];
    struct flock fl = whole_file();
    pid_t pid = 0;
    int fd;

    if (lock_path(state_dir, job_id, path, sizeof(path)) != 0)
        return 0;
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return 0; /* no worker of this job ever started, or it was cleaned up */
    if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK)
        pid = fl.l_pid;
    close(fd);
    return pid;
}

void pv_worker_lock_remove(const char *state_dir, const char *job_id)
{
    char path[PATH_MAX];

    if (lock_path(state_dir, job_id, path, sizeof(path)) == 0)
        unlink(path);
}
