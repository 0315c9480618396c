#include "plugin_loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The first members of pivot_magic, which never move, and its size in the major's first version. */
#define MAGIC_MAJOR_END (offsetof(pivot_magic, abi_major) + sizeof(uint32_t))
#define MAGIC_SIZE_FIRST (offsetof(pivot_magic, version) + sizeof(const char *))

/*
 * Checks a plugin's magic against the host it would be given: the same ABI
 * major, and nothing else (the ABI rule in <pivot/common.h>). Names both
 * values, so that the author knows what to rebuild.
 */
static int check_magic(const pivot_magic *m, const pivot_host *host, const char *path, char *err,
                       size_t errlen)
{
    if (m == NULL) {
        snprintf(err, errlen, "%s: pivot_plugin_magic() returned NULL", path);
        return PIVOT_EINVAL;
    }
    if (m->size < MAGIC_MAJOR_END) {
        snprintf(err, errlen,
                 "%s: magic block size: server needs at least %zu, library has %zu; "
                 "define the magic with PIVOT_PLUGIN_MAGIC",
                 path, (size_t)MAGIC_SIZE_FIRST, m->size);
        return PIVOT_EINVAL;
    }
    if (m->abi_major != host->abi_major) {
        snprintf(err, errlen,
                 "%s: incompatible plugin ABI major version: server has %u, library has %u; "
                 "rebuild the plugin against this server's SDK",
                 path, (unsigned)host->abi_major, (unsigned)m->abi_major);
        return PIVOT_EINVAL;
    }
    if (m->size < MAGIC_SIZE_FIRST) {
        snprintf(err, errlen,
                 "%s: magic block size: server needs at least %zu, library has %zu; "
                 "define the magic with PIVOT_PLUGIN_MAGIC",
                 path, (size_t)MAGIC_SIZE_FIRST, m->size);
        return PIVOT_EINVAL;
    }
    if (m->name == NULL || m->name[0] == '\0' || m->version == NULL) {
        snprintf(err, errlen, "%s: the plugin's magic block has no name or version", path);
        return PIVOT_EINVAL;
    }
    return 0;
}

int pv_plugin_file_identity(const char *path, pv_plugin_file *out, char *err, size_t errlen)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return PIVOT_ENOENT;
    }
    out->dev = (uint64_t)st.st_dev;
    out->ino = (uint64_t)st.st_ino;
    out->size = (int64_t)st.st_size;
    out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    return 0;
}

int pv_plugin_file_same(const pv_plugin_file *a, const pv_plugin_file *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size && a->mtime_ns == b->mtime_ns;
}

/* The name of a PIVOT_E* code, for messages; NULL for others. */
static const char *code_name(int rc)
{
    switch (rc) {
    case PIVOT_EINVAL:
        return "PIVOT_EINVAL";
    case PIVOT_ENOENT:
        return "PIVOT_ENOENT";
    case PIVOT_EACCES:
        return "PIVOT_EACCES";
    case PIVOT_ENOMEM:
        return "PIVOT_ENOMEM";
    case PIVOT_EIO:
        return "PIVOT_EIO";
    case PIVOT_ERANGE:
        return "PIVOT_ERANGE";
    case PIVOT_ECANCELED:
        return "PIVOT_ECANCELED";
    case PIVOT_ENOTSUP:
        return "PIVOT_ENOTSUP";
    case PIVOT_EEXIST:
        return "PIVOT_EEXIST";
    }
    return NULL;
}

void pv_plugin_discard(pv_plugin *p)
{
    if (p->handle != NULL)
        dlclose(p->handle);
    p->handle = NULL;
    p->magic = NULL;
}

int pv_plugin_open(const pivot_host *host, const char *path, pv_plugin *out, char *err,
                   size_t errlen)
{
    pv_plugin_file after;
    pivot_magic_fn magic_fn;
    char why[256];
    int rc = PIVOT_EINVAL;

    memset(out, 0, sizeof(*out));
    if (snprintf(out->path, sizeof(out->path), "%s", path) >= (int)sizeof(out->path)) {
        snprintf(err, errlen, "%s: path too long", path);
        return PIVOT_ERANGE;
    }
    /* The identity is taken before dlopen and checked after it, so that a
     * file replaced meanwhile is noticed rather than recorded wrongly. */
    if (pv_plugin_file_identity(path, &out->file, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "%s: cannot load: %s", path, why);
        return PIVOT_EINVAL;
    }
    out->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (out->handle == NULL) {
        snprintf(err, errlen, "%s: cannot load: %s", path, dlerror());
        goto out;
    }
    if (pv_plugin_file_identity(path, &after, why, sizeof(why)) != 0 ||
        !pv_plugin_file_same(&out->file, &after)) {
        snprintf(err, errlen, "%s: the file changed while it was being loaded; try again", path);
        goto out;
    }
    /* POSIX allows this conversion; the union-free cast keeps -Wpedantic quiet. */
    *(void **)&magic_fn = dlsym(out->handle, "pivot_plugin_magic");
    if (magic_fn == NULL) {
        snprintf(err, errlen,
                 "%s: not a Pivot plugin: it has no pivot_plugin_magic() "
                 "(use PIVOT_PLUGIN_MAGIC in the plugin)",
                 path);
        goto out;
    }
    out->magic = magic_fn();
    rc = check_magic(out->magic, host, path, err, errlen);
out:
    if (rc != 0)
        pv_plugin_discard(out);
    return rc;
}

int pv_plugin_start(pv_registry *reg, const pivot_host *host, pv_plugin *p, char *err,
                    size_t errlen)
{
    char reason[PIVOT_ERRMSG_SIZE] = "";
    pivot_init_fn init_fn;
    int index = reg->nplugins;
    int rc;

    if (index >= PV_MAX_PLUGINS) {
        snprintf(err, errlen, "%s: too many plugins (at most %d)", p->path, PV_MAX_PLUGINS);
        pv_plugin_discard(p);
        return PIVOT_ENOMEM;
    }
    for (int i = 0; i < reg->nplugins; i++) {
        if (strcmp(reg->plugins[i].magic->name, p->magic->name) == 0) {
            snprintf(err, errlen, "%s: a plugin named \"%s\" is already loaded from %s", p->path,
                     p->magic->name, reg->plugins[i].path);
            pv_plugin_discard(p);
            return PIVOT_EEXIST;
        }
    }
    *(void **)&init_fn = dlsym(p->handle, "pivot_plugin_init");
    if (init_fn == NULL) {
        snprintf(err, errlen, "%s: plugin \"%s\" has no pivot_plugin_init()", p->path,
                 p->magic->name);
        pv_plugin_discard(p);
        return PIVOT_EINVAL;
    }
    reg->loading = index;
    reg->refusal[0] = '\0';
    rc = init_fn(host, reg, reason, sizeof(reason));
    reg->loading = -1;
    if (rc != 0) {
        const char *name = code_name(rc);

        /* Roll back whatever the plugin registered before it failed. Its
         * code has run, so the library stays mapped (plugin.h says why). */
        pv_registry_drop_plugin(reg, index);
        reason[sizeof(reason) - 1] = '\0';
        snprintf(err, errlen, "%s: plugin \"%s\" failed to initialise: %s (error %d%s%s)", p->path,
                 p->magic->name,
                 reason[0]         ? reason
                 : reg->refusal[0] ? reg->refusal
                                   : "it gave no reason",
                 rc, name ? ", " : "", name ? name : "");
        p->handle = NULL;
        return rc < 0 ? rc : PIVOT_EINVAL;
    }
    reg->plugins[index] = *p;
    reg->nplugins++;
    return 0;
}

int pv_plugin_load(pv_registry *reg, const pivot_host *host, const char *path, char *err,
                   size_t errlen)
{
    pv_plugin p;
    int rc = pv_plugin_open(host, path, &p, err, errlen);

    if (rc == 0)
        rc = pv_plugin_start(reg, host, &p, err, errlen);
    return rc;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void pv_plugin_free_names(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

int pv_plugin_list_dir(const char *dir, char ***out, size_t *count, char *err, size_t errlen)
{
    DIR *d = NULL;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;

    d = opendir(dir);
    if (d == NULL) {
        snprintf(err, errlen, "plugin directory %s: %s", dir, strerror(errno));
        rc = PIVOT_ENOENT;
        goto out;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 3, ".so") != 0 || e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            char **grown = realloc(names, cap * sizeof(*names));
            if (grown == NULL) {
                rc = PIVOT_ENOMEM;
                goto out;
            }
            names = grown;
        }
        char path[1024];
        int w = snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (w < 0 || (size_t)w >= sizeof(path)) {
            snprintf(err, errlen, "plugin directory %s: path of %s too long", dir, e->d_name);
            rc = PIVOT_ERANGE;
            goto out;
        }
        names[n] = strdup(path);
        if (names[n] == NULL) {
            rc = PIVOT_ENOMEM;
            goto out;
        }
        n++;
    }
    if (n > 0)
        qsort(names, n, sizeof(*names), name_cmp);
out:
    if (rc == PIVOT_ENOMEM)
        snprintf(err, errlen, "out of memory while listing %s", dir);
    if (d != NULL)
        closedir(d);
    if (rc != 0) {
        pv_plugin_free_names(names, n);
        return rc;
    }
    *out = names;
    *count = n;
    return 0;
}

int pv_plugin_load_dir(pv_registry *reg, const pivot_host *host, const char *dir, char *err,
                       size_t errlen)
{
    char **paths = NULL;
    size_t n = 0;
    int rc = pv_plugin_list_dir(dir, &paths, &n, err, errlen);

    for (size_t i = 0; rc == 0 && i < n; i++)
        rc = pv_plugin_load(reg, host, paths[i], err, errlen);
    pv_plugin_free_names(paths, n);
    return rc;
}
