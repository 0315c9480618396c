#include "progress_pipe.h"

#include <pivot/common.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int pv_progress_pipe_open(pv_progress_pipe *p)
{
    int fds[2];

    memset(p, 0, sizeof(*p));
    p->read_fd = p->write_fd = -1;
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
        return PIVOT_EIO;
    p->read_fd = fds[0];
    p->write_fd = fds[1];
    return 0;
}

void pv_progress_pipe_close(pv_progress_pipe *p)
{
    if (p->read_fd >= 0)
        close(p->read_fd);
    if (p->write_fd >= 0)
        close(p->write_fd);
    p->read_fd = p->write_fd = -1;
}

/* One byte at a time into the carry: an id is told when its newline comes. */
static void take(pv_progress_pipe *p, pv_server *srv, char c)
{
    if (c != '\n') {
        if (p->ncarry + 1 < sizeof(p->carry))
            p->carry[p->ncarry++] = c;
        return;
    }
    p->carry[p->ncarry] = '\0';
    if (p->ncarry > 0)
        pv_server_job_changed(srv, p->carry);
    p->ncarry = 0;
}

void pv_progress_pipe_drain(pv_progress_pipe *p, pv_server *srv)
{
    char buf[4096];
    ssize_t n;

    if (p->read_fd < 0)
        return;
    while ((n = read(p->read_fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < n; i++)
            take(p, srv, buf[i]);
}

void pv_progress_notify(int fd, const char *job_id)
{
    char line[80];
    int n;

    if (fd < 0)
        return;
    n = snprintf(line, sizeof(line), "%s\n", job_id);
    if (n > 0 && (size_t)n < sizeof(line) && write(fd, line, (size_t)n) < 0 && errno != EAGAIN)
        return; /* the server is gone; the job store still has the progress */
}
