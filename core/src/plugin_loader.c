#include "plugin_loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Checks a plugin's magic against the host's; names the first field that differs. */
static int check_magic(const pivot_magic *m, const char *path, char *err, size_t errlen)
{
    if (m == NULL) {
        snprintf(err, errlen, "%s: pivot_plugin_magic() returned NULL", path);
        return PIVOT_EINVAL;
    }
    if (m->abi_version != PIVOT_ABI_VERSION) {
        snprintf(err, errlen,
                 "%s: incompatible plugin ABI version: server has %d, library has %u; "
                 "rebuild the plugin against this server's SDK",
                 path, PIVOT_ABI_VERSION, (unsigned)m->abi_version);
        return PIVOT_EINVAL;
    }
    if (m->size != sizeof(pivot_magic)) {
        snprintf(err, errlen, "%s: incompatible magic block size: server has %zu, library has %zu",
                 path, sizeof(pivot_magic), m->size);
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
    rc = check_magic(magic, path, err, errlen);
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
    rc = init_fn(host, reg);
    reg->loading = -1;
    if (rc != 0) {
        /* Roll back whatever the plugin registered before it failed. */
        pv_registry_drop_plugin(reg, index);
        snprintf(err, errlen, "%s: plugin \"%s\" failed to initialise (error %d)", path,
                 magic->name, rc);
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

int pv_plugin_load_dir(pv_registry *reg, const pivot_host *host, const char *dir, char *err,
                       size_t errlen)
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
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            rc = PIVOT_ENOMEM;
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof(*names), name_cmp);
    for (size_t i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        rc = pv_plugin_load(reg, host, path, err, errlen);
        if (rc != 0)
            goto out;
    }
out:
    if (rc == PIVOT_ENOMEM && err[0] == '\0')
        snprintf(err, errlen, "out of memory while listing %s", dir);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (d != NULL)
        closedir(d);
    return rc;
}

void pv_plugin_unload_all(pv_registry *reg)
{
    for (int i = reg->nplugins - 1; i >= 0; i--) {
        pv_registry_drop_plugin(reg, i);
        dlclose(reg->plugins[i].handle);
        reg->plugins[i].handle = NULL;
    }
    reg->nplugins = 0;
}
