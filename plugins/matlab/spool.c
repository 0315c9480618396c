#include "spool.h"

#include <errno.h>
#include <fcntl.h>
#include <pivot/common.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Each column buffers this much before a write: wide channels multiply it. */
#define SPOOL_BUFFER (64 * 1024)

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static int io_failed(const mx_spool *s, const char *what, char *err, size_t errlen)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "part file \"%s\": %s: %s", base_name(s->path), what,
                 strerror(errno));
    return PIVOT_EIO;
}

int mx_spool_open(mx_spool *s, const char *path, char *err, size_t errlen)
{
    memset(s, 0, sizeof(*s));
    s->path = strdup(path);
    if (s->path == NULL) {
        snprintf(err, errlen, "part file: out of memory");
        return PIVOT_ENOMEM;
    }
    s->file = fopen(path, "wbx");
    if (s->file == NULL)
        return io_failed(s, "cannot create it", err, errlen);
    setvbuf(s->file, NULL, _IOFBF, SPOOL_BUFFER);
    return 0;
}

int mx_spool_write(mx_spool *s, const void *data, size_t len, char *err, size_t errlen)
{
    if (len > 0 && fwrite(data, 1, len, s->file) != len)
        return io_failed(s, "writing", err, errlen);
    s->bytes += len;
    return 0;
}

int mx_spool_finish(mx_spool *s, char *err, size_t errlen)
{
    int rc = 0;

    if (s->file != NULL && fclose(s->file) != 0)
        rc = io_failed(s, "closing", err, errlen);
    s->file = NULL;
    return rc;
}

int mx_spool_map(mx_spool *s, char *err, size_t errlen)
{
    int fd, rc = 0;

    if (s->bytes == 0)
        return 0;
    fd = open(s->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return io_failed(s, "opening", err, errlen);
    /* Private and writable so that a library writing into its input could
     * never reach the file; the pages are the page cache's, not the heap's. */
    s->map = mmap(NULL, (size_t)s->bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (s->map == MAP_FAILED) {
        s->map = NULL;
        rc = io_failed(s, "mapping", err, errlen);
    } else {
        madvise(s->map, (size_t)s->bytes, MADV_SEQUENTIAL);
    }
    close(fd);
    return rc;
}

void mx_spool_unmap(mx_spool *s)
{
    if (s->map != NULL)
        munmap(s->map, (size_t)s->bytes);
    s->map = NULL;
}

void mx_spool_remove(mx_spool *s)
{
    if (s->file != NULL)
        fclose(s->file);
    s->file = NULL;
    mx_spool_unmap(s);
    if (s->path != NULL)
        unlink(s->path);
    free(s->path);
    s->path = NULL;
    s->bytes = 0;
}
