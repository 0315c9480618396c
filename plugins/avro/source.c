/*
 * Entry points of the avro data source: plugin registration, opening a data
 * directory and listing its channels. Describe and scan live in their own files.
 */
#include "avro_source.h"
#include "channel_dir.h"
#include "file_bounds.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const pivot_host *pva_host;

void pva_errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void source_close(void *ctx)
{
    pva_instance *inst = ctx;

    if (inst == NULL)
        return;
    pva_bounds_cache_free(inst);
    pva_site_free(&inst->site);
    free(inst->data_dir);
    free(inst);
}

static int source_open(const char *location, void **ctx, char *err, size_t errlen)
{
    pva_instance *inst = NULL;
    struct stat st;
    int rc = 0;

    *ctx = NULL;
    /* Without an explicit location, the configured cache path is the natural default. */
    if ((location == NULL || location[0] == '\0') && pva_host != NULL &&
        pva_host->config_get != NULL)
        location = pva_host->config_get("storage.avro_path");
    if (location == NULL || location[0] == '\0') {
        pva_errf(err, errlen, "no data directory given");
        return PIVOT_EINVAL;
    }
    inst = calloc(1, sizeof(*inst));
    if (inst == NULL)
        return PIVOT_ENOMEM;
    inst->data_dir = realpath(location, NULL);
    if (inst->data_dir == NULL || stat(inst->data_dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        pva_errf(err, errlen, "data directory \"%s\" is not a readable directory", location);
        rc = PIVOT_ENOENT;
        goto out;
    }
    inst->data_dir_len = strlen(inst->data_dir);
    const char *mode = getenv(PVA_DECODER_ENV);
    inst->decoder =
        mode != NULL && strcmp(mode, "libavro") == 0 ? PVA_DECODER_LIBAVRO : PVA_DECODER_AUTO;
    rc = pva_site_load(&inst->site, err, errlen);
    if (rc != 0)
        goto out;
    *ctx = inst;
    inst = NULL;
out:
    source_close(inst);
    return rc;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a directory entry is a channel: a valid name resolving to a folder inside. */
static int is_channel(pva_instance *inst, const char *name)
{
    char *dir = NULL;
    int yes =
        pva_channel_name_valid(name) && pva_data_dir_channel(inst, name, &dir) == 0 && dir != NULL;

    free(dir);
    return yes;
}

/* A growing list of channel names. */
typedef struct name_list {
    char **names;
    size_t count, cap;
} name_list;

static int add_name(name_list *l, const char *name)
{
    if (l->count == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        char **grown = realloc(l->names, ncap * sizeof(*grown));
        if (grown == NULL)
            return PIVOT_ENOMEM;
        l->names = grown;
        l->cap = ncap;
    }
    l->names[l->count] = strdup(name);
    if (l->names[l->count] == NULL)
        return PIVOT_ENOMEM;
    l->count++;
    return 0;
}

/* The folders of the data directory, and the channels the configuration names (data or not). */
static int source_list_channels(void *ctx, int (*cb)(void *arg, const char *channel), void *arg,
                                char *err, size_t errlen)
{
    pva_instance *inst = ctx;
    DIR *d = NULL;
    struct dirent *de;
    name_list l = {0};
    int rc;

    rc = pva_site_refresh(&inst->site, err, errlen);
    if (rc != 0)
        return rc;
    d = opendir(inst->data_dir);
    if (d == NULL) {
        pva_errf(err, errlen, "the data directory cannot be read: %s", strerror(errno));
        return PIVOT_EIO;
    }
    while (rc == 0 && (de = readdir(d)) != NULL)
        if (is_channel(inst, de->d_name))
            rc = add_name(&l, de->d_name);
    for (size_t i = 0; rc == 0 && i < inst->site.count; i++)
        rc = add_name(&l, inst->site.channels[i].name);
    if (rc == 0 && l.count > 0)
        qsort(l.names, l.count, sizeof(*l.names), compare_names);
    for (size_t i = 0; rc == 0 && i < l.count; i++)
        if (i == 0 || strcmp(l.names[i], l.names[i - 1]) != 0)
            rc = cb(arg, l.names[i]);
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory listing channels");
    for (size_t i = 0; i < l.count; i++)
        free(l.names[i]);
    free(l.names);
    closedir(d);
    return rc;
}

static const pivot_source avro_source = {
    .size = sizeof(pivot_source),
    .name = PVA_PLUGIN_NAME,
    .open = source_open,
    .close = source_close,
    .list_channels = source_list_channels,
    .describe = pva_describe,
    .free_info = pva_free_info,
    .scan = pva_scan,
    .span = pva_span,
};

PIVOT_PLUGIN_MAGIC(PVA_PLUGIN_NAME, "0.1.0");

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    pva_host = host;
    return host->register_source(reg, &avro_source);
}
