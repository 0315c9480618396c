/*
 * Entry points of the avro data source: plugin registration, opening a data
 * directory and listing its channels. Describe and scan live in their own files.
 */
#include "avro_source.h"
#include "channel_dir.h"

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
    *ctx = inst;
    inst = NULL;
out:
    if (inst != NULL) {
        free(inst->data_dir);
        free(inst);
    }
    return rc;
}

static void source_close(void *ctx)
{
    pva_instance *inst = ctx;

    if (inst == NULL)
        return;
    free(inst->data_dir);
    free(inst);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether a directory entry is a channel: a valid name resolving to a directory inside. */
static int is_channel(pva_instance *inst, const char *name)
{
    char *dir = NULL;
    int rc = pva_channel_dir(inst, name, &dir, NULL, 0);

    free(dir);
    return rc == 0;
}

static int source_list_channels(void *ctx, int (*cb)(void *arg, const char *channel), void *arg,
                                char *err, size_t errlen)
{
    pva_instance *inst = ctx;
    DIR *d = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t count = 0, cap = 0;
    int rc = 0;

    d = opendir(inst->data_dir);
    if (d == NULL) {
        pva_errf(err, errlen, "cannot read data directory \"%s\": %s", inst->data_dir,
                 strerror(errno));
        return PIVOT_EIO;
    }
    while ((de = readdir(d)) != NULL) {
        if (!pva_channel_name_valid(de->d_name) || !is_channel(inst, de->d_name))
            continue;
        if (count == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **grown = realloc(names, ncap * sizeof(*names));
            if (grown == NULL) {
                rc = PIVOT_ENOMEM;
                goto out;
            }
            names = grown;
            cap = ncap;
        }
        names[count] = strdup(de->d_name);
        if (names[count] == NULL) {
            rc = PIVOT_ENOMEM;
            goto out;
        }
        count++;
    }
    if (count > 0)
        qsort(names, count, sizeof(*names), compare_names);
    for (size_t i = 0; i < count; i++) {
        rc = cb(arg, names[i]);
        if (rc != 0)
            goto out;
    }
out:
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory listing channels");
    for (size_t i = 0; i < count; i++)
        free(names[i]);
    free(names);
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

PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg);

PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    if (host == NULL || host->register_source == NULL)
        return PIVOT_EINVAL;
    pva_host = host;
    return host->register_source(reg, &avro_source);
}
