#include "plugin_set.h"

#include "plugin_loader.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The first line: which server wrote the record. */
#define HEADER_FORMAT "pivotd plugin set, pid %ld\n"

int pv_plugin_set_write(const pv_registry *reg, const char *path, char *err, size_t errlen)
{
    char tmp[4200];
    FILE *f = NULL;
    int rc = PIVOT_EIO;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
        snprintf(err, errlen, "%s: path too long", path);
        return PIVOT_ERANGE;
    }
    f = fopen(tmp, "w");
    if (f == NULL) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    fprintf(f, HEADER_FORMAT, (long)getpid());
    for (int i = 0; i < reg->nplugins; i++) {
        const pv_plugin *p = &reg->plugins[i];
        /* One line per file, the path last: it may hold spaces, never a newline. */
        if (strchr(p->path, '\n') != NULL) {
            snprintf(err, errlen, "plugin file name with a line break: %s", p->path);
            goto out;
        }
        fprintf(f, "%" PRIu64 " %" PRIu64 " %" PRId64 " %" PRId64 " %s\n", p->file.dev, p->file.ino,
                p->file.size, p->file.mtime_ns, p->path);
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (fclose(f) != 0) {
        f = NULL;
        snprintf(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
        goto out;
    }
    f = NULL;
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto out;
    }
    rc = 0;
out:
    if (f != NULL)
        fclose(f);
    if (rc != 0)
        unlink(tmp);
    return rc;
}

int pv_plugin_set_read(const char *path, pv_plugin_set_entry **entries, size_t *n, pid_t *pid,
                       char *err, size_t errlen)
{
    pv_plugin_set_entry *list = NULL;
    size_t count = 0;
    char line[700];
    long server = 0;
    FILE *f = fopen(path, "r");
    int rc = PIVOT_EINVAL;

    *entries = NULL;
    *n = 0;
    if (f == NULL) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return errno == ENOENT ? PIVOT_ENOENT : PIVOT_EIO;
    }
    if (fgets(line, sizeof(line), f) == NULL || sscanf(line, HEADER_FORMAT, &server) != 1)
        goto bad;
    while (fgets(line, sizeof(line), f) != NULL) {
        pv_plugin_set_entry e;
        int at = 0;
        size_t len = strlen(line);

        if (len == 0 || line[len - 1] != '\n' || count >= PV_MAX_PLUGINS)
            goto bad;
        line[len - 1] = '\0';
        if (sscanf(line, "%" SCNu64 " %" SCNu64 " %" SCNd64 " %" SCNd64 " %n", &e.file.dev,
                   &e.file.ino, &e.file.size, &e.file.mtime_ns, &at) != 4 ||
            at == 0 || line[at] == '\0')
            goto bad;
        snprintf(e.path, sizeof(e.path), "%s", line + at);
        pv_plugin_set_entry *grown = realloc(list, (count + 1) * sizeof(*list));
        if (grown == NULL) {
            snprintf(err, errlen, "out of memory reading %s", path);
            rc = PIVOT_ENOMEM;
            goto out;
        }
        list = grown;
        list[count++] = e;
    }
    *entries = list;
    *n = count;
    *pid = (pid_t)server;
    list = NULL;
    rc = 0;
    goto out;
bad:
    snprintf(err, errlen, "%s is damaged; restart pivotd serve, which writes it", path);
out:
    free(list);
    fclose(f);
    return rc;
}

/* Says how a recorded file differs from the one on disk now. */
static void describe_change(const pv_plugin_set_entry *e, const pv_plugin_file *now, char *err,
                            size_t errlen)
{
    snprintf(
        err, errlen,
        "the plugin set changed since the server started: %s was replaced or modified (%" PRId64
        " bytes when loaded, %" PRId64 " bytes now); restart pivotd serve to use the plugins "
        "now installed",
        e->path, e->file.size, now->size);
}

int pv_plugin_set_load(pv_registry *reg, const pivot_host *host, const char *path, char *err,
                       size_t errlen)
{
    pv_plugin_set_entry *entries = NULL;
    size_t n = 0;
    pid_t server;
    int rc = pv_plugin_set_read(path, &entries, &n, &server, err, errlen);

    for (size_t i = 0; rc == 0 && i < n; i++) {
        const pv_plugin_set_entry *e = &entries[i];
        pv_plugin_file now;
        pv_plugin p;
        char why[256];

        /* Compared before dlopen, so that a changed file's code never runs here. */
        if (pv_plugin_file_identity(e->path, &now, why, sizeof(why)) != 0) {
            snprintf(err, errlen,
                     "the plugin set changed since the server started: %s: %s; restart pivotd "
                     "serve to use the plugins now installed",
                     e->path, why);
            rc = PIVOT_ENOENT;
            break;
        }
        if (!pv_plugin_file_same(&e->file, &now)) {
            describe_change(e, &now, err, errlen);
            rc = PIVOT_EINVAL;
            break;
        }
        rc = pv_plugin_open(host, e->path, &p, err, errlen);
        if (rc != 0)
            break;
        /* Replaced between the check and dlopen: what was loaded is not the record's. */
        if (!pv_plugin_file_same(&e->file, &p.file)) {
            describe_change(e, &p.file, err, errlen);
            pv_plugin_discard(&p);
            rc = PIVOT_EINVAL;
            break;
        }
        rc = pv_plugin_start(reg, host, &p, err, errlen);
    }
    free(entries);
    return rc;
}
