/*
 * Schema files and SpeedData-style configuration. See gen_avro_speeddata.h.
 */
#include "gen_avro_speeddata.h"

#include <errno.h>
#include <stdio.h>

static int open_for_writing(const char *path, FILE **out, char *err, size_t errlen)
{
    *out = fopen(path, "w");
    if (*out == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Closes f, reporting a failed write or close; f may be NULL. */
static int finish(FILE *f, const char *path, int rc, char *err, size_t errlen)
{
    if (f == NULL)
        return rc;
    if ((ferror(f) | fclose(f)) != 0 && rc == 0) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        rc = -1;
    }
    return rc;
}

int gen_write_avsc(const char *dir, const struct gen_plan *plan, char *err, size_t errlen)
{
    const struct gen_params *pa = plan->params;
    char path[4096], name[GEN_CHANNEL_NAME_SIZE];
    FILE *f = NULL;
    int rc = 0;

    for (int64_t c = pa->first_channel; c < pa->first_channel + pa->channels && rc == 0; c++) {
        gen_channel_name(c, name);
        snprintf(path, sizeof path, "%s/%s.avsc", dir, name);
        rc = open_for_writing(path, &f, err, errlen);
        if (rc == 0)
            fprintf(f, "%s\n", plan->schema);
        rc = finish(f, path, rc, err, errlen);
        f = NULL;
    }
    return rc;
}

int gen_write_speeddata_config(const char *root, const struct gen_params *pa, char *err,
                               size_t errlen)
{
    char path[4096], name[GEN_CHANNEL_NAME_SIZE];
    FILE *f = NULL;
    int rc;

    snprintf(path, sizeof path, "%s/config/global.yaml", root);
    rc = open_for_writing(path, &f, err, errlen);
    if (rc == 0)
        fprintf(f, "# SpeedData global configuration (written by pivot-gen-avro)\n\n"
                   "storage:\n  avro_path: \"./data\"\n");
    rc = finish(f, path, rc, err, errlen);
    f = NULL;
    if (rc != 0)
        goto out;
    snprintf(path, sizeof path, "%s/config/relay.yaml", root);
    rc = open_for_writing(path, &f, err, errlen);
    if (rc != 0)
        goto out;
    fprintf(f, "# SpeedData relay configuration (written by pivot-gen-avro): one relay\n"
               "# per channel, each writing into data/<name>/.\n\nchannels:\n");
    for (int64_t k = 0; k < pa->channels; k++) {
        gen_channel_name(pa->first_channel + k, name);
        fprintf(f, "  - name: \"%s\"\n    port: %lld\n    schema: \"config/agents/%s.avsc\"\n",
                name, (long long)(GEN_RELAY_FIRST_PORT + k), name);
    }
    rc = finish(f, path, rc, err, errlen);
out:
    return rc;
}
