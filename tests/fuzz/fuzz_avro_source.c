/*
 * The Avro data source on damaged cache files: the input is written as the
 * one file of a channel, then the channel is listed, described and scanned
 * through the plugin with every signal, as a worker would.
 */
#include "fuzz_env.h"
#include "fuzz_target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int count_channel(void *arg, const char *channel)
{
    (*(int *)arg)++;
    return 0;
}

static int take_batch(void *arg, const pivot_batch *batch)
{
    (*(size_t *)arg)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_env *env = fuzz_env_get();
    char path[256], err[1024] = "";
    pivot_channel_info *info = NULL;
    const char **names = NULL;
    size_t batches = 0;
    void *ctx = NULL;
    int channels = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/ch", env->config.data_dir);
    mkdir(env->config.data_dir, 0700);
    mkdir(path, 0700);
    snprintf(path, sizeof(path), "%s/ch/data_1735689600.avro", env->config.data_dir);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    if (env->source->open(env->config.data_dir, &ctx, err, sizeof(err)) != 0)
        abort();
    env->source->list_channels(ctx, count_channel, &channels, err, sizeof(err));
    if (env->source->describe(ctx, "ch", &info, err, sizeof(err)) == 0 && info != NULL) {
        pivot_scan_sink sink = {sizeof(pivot_scan_sink), &batches, take_batch, NULL};
        pivot_range all = {0, INT64_MAX};
        names = calloc(info->nsignals + 1, sizeof(*names));
        for (size_t i = 0; names != NULL && i < info->nsignals; i++)
            names[i] = info->signals[i].name;
        if (names != NULL)
            env->source->scan(ctx, "ch", names, info->nsignals, all, &sink, err, sizeof(err));
        free(names);
        env->source->free_info(ctx, info);
    }
    if (memchr(err, '\0', sizeof(err)) == NULL)
        abort();
    env->source->close(ctx);
    return 0;
}
