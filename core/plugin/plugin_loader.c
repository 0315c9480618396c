#include "plugin_loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first members of pivot_magic, which never move, and its size in ABI 1.0. */
#define MAGIC_MAJOR_END (offsetof(pivot_magic, abi_version) + sizeof(uint32_t))
#define MAGIC_SIZE_1_0 (offsetof(pivot_magic, version) + sizeof(const char *))

/*
 * Checks a plugin's magic against the host it would be given: same ABI
 * major, a minor no newer than the host's. Names the first field that
 * differs with both values, so that the author knows what to rebuild.
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
                 path, (size_t)MAGIC_SIZE_1_0, m->size);
        return PIVOT_EINVAL;
    }
    if (m->abi_version != host->abi_version) {
        snprintf(err, errlen,
                 "%s: incompatible plugin ABI major version: server has %u, library has %u; "
                 "rebuild the plugin against this server's SDK",
                 path, (unsigned)host->abi_version, (unsigned)m->abi_version);
        return PIVOT_EINVAL;
    }
    if (m->size < MAGIC_SIZE_1_0) {
        snprintf(err, errlen,
                 "%s: magic block size: server needs at least %zu, library has %zu; "
                 "define the magic with PIVOT_PLUGIN_MAGIC",
                 path, (size_t)MAGIC_SIZE_1_0, m->size);
        return PIVOT_EINVAL;
    }
    if (m->abi_minor > host->abi_minor) {
        snprintf(err, errlen,
                 "%s: plugin ABI minor version: server has %u (ABI %u.%u), library has %u "
                 "(ABI %u.%u); the plugin may use what this server lacks: rebuild it against "
                 "this server's SDK or upgrade the server",
                 path, (unsigned)host->abi_minor, (unsigned)host->abi_version,
                 (unsigned)host->abi_minor, (unsigned)m->abi_minor, (unsigned)m->abi_version,
                 (unsigned)m->abi_minor);
        return PIVOT_EINVAL;
    }
    if (m->name == NULL || m->name[0] == '\0' || m->version == NULL) {
        snprintf(err, errlen, "%s: the plugin's magic block has no name or version", path);
        return PIVOT_EINVAL;
    }
    return 0;
}

int pv_plugin_load(pv_registry *reg, const pivot_host *host, const char *path, char *err,
                   size_t errlen)
{
    void *handle = NULL;
    int rc = PIVOT_EINVAL;
    int index = reg->nplugins;

    if (index >= PV_MAX_PLUGINS) {
        snprintf(err, errlen, "%s: too many plugins (at most %d)", path, PV_MAX_PLUGINS);
        return PIVOT_ENOMEM;
    }
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(err, errlen, "%s: cannot load: %s", path, dlerror());
        goto out;
    }
    pivot_magic_fn magic_fn;
    pivot_init_fn init_fn;
    /* POSIX allows this conversion; the union-free cast keeps -Wpedantic quiet. */
    *(void **)&magic_fn = dlsym(handle, "pivot_plugin_magic");
    if (magic_fn == NULL) {
        snprintf(err, errlen,
                 "%s: not a Pivot plugin: it has no pivot_plugin_magic() "
                 "(use PIVOT_PLUGIN_MAGIC in the plugin)",
                 path);
        goto out;
    }
    const pivot_magic *magic = magic_fn();
    rc = check_magic(magic, host, path, err, errlen);
    if (rc != 0)
        goto out;
    for (int i = 0; i < reg->nplugins; i++) {
        if (strcmp(reg->plugins[i].magic->name, magic->name) == 0) {
            snprintf(err, errlen, "%s: a plugin named \"%s\" is already loaded from %s", path,
                     magic->name, reg->plugins[i].path);
            rc = PIVOT_EEXIST;
            goto out;
        }
    }
    *(void **)&init_fn = dlsym(handle, "pivot_plugin_init");
    if (init_fn == NULL) {
        snprintf(err, errlen, "%s: plugin \"%s\" has no pivot_plugin_init()", path, magic->name);
        rc = PIVOT_EINVAL;
        goto out;
    }
    reg->loading = index;
    reg->refusal[0] = '\0';
    rc = init_fn(host, reg);
    reg->loading = -1;
    if (rc != 0) {
        /* Roll back whatever the plugin registered before it failed. */
        pv_registry_drop_plugin(reg, index);
        snprintf(err, errlen, "%s: plugin \"%s\" failed to initialise (error %d)%s%s", path,
                 magic->name, rc, reg->refusal[0] ? ": " : "", reg->refusal);
        if (rc > 0)
            rc = PIVOT_EINVAL;
        goto out;
    }
    reg->plugins[index].handle = handle;
    reg->plugins[index].magic = magic;
    snprintf(reg->plugins[index].path, sizeof(reg->plugins[index].path), "%s", path);
    reg->nplugins++;
    handle = NULL;
    rc = 0;
out:
    if (handle != NULL)
        dlclose(handle);
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

void pv_plugin_unload_all(pv_registry *reg)
{
    for (int i = reg->nplugins - 1; i >= 0; i--) {
        pivot_fini_fn fini_fn;

        pv_registry_drop_plugin(reg, i);
        *(void **)&fini_fn = dlsym(reg->plugins[i].handle, "pivot_plugin_fini");
        if (fini_fn != NULL)
            fini_fn();
        dlclose(reg->plugins[i].handle);
        reg->plugins[i].handle = NULL;
    }
    reg->nplugins = 0;
}
