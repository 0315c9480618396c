/*
 * The file level of an export: the job's facts kept at open, the MAT
 * version chosen (at open when the setting names one; at close for auto,
 * once every channel's size is known), and the file completed at close with
 * the channels still spooled and the pivot_export variable.
 */
#include "mat_export.h"
#include "mat_values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The name of the variable describing the export; channels never take it. */
static const char meta_name[] = "pivot_export";

static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* A copy of an optional text; 0, or PIVOT_ENOMEM. */
static int keep(char **dst, const char *src)
{
    *dst = NULL;
    if (src == NULL)
        return 0;
    *dst = strdup(src);
    return *dst != NULL ? 0 : PIVOT_ENOMEM;
}

static int keep_info(mx_export *x, const pivot_export_info *info)
{
    int rc = keep(&x->job_id, info->job_id);

    if (rc == 0)
        rc = keep(&x->request, info->request_json);
    if (rc == 0)
        rc = keep(&x->owner, info->owner);
    if (rc == 0)
        rc = keep(&x->producer, info->producer);
    if (rc == 0)
        rc = keep(&x->description, info->description);
    if (rc == 0)
        rc = keep(&x->user, info->user);
    if (rc == 0)
        rc = keep(&x->metadata, info->metadata_json);
    if (rc == 0)
        rc = keep(&x->decimation, info->decimation_method);
    x->requested = info->requested;
    return rc;
}

int mx_create_file(mx_export *x, enum mat_ft v, char *err, size_t errlen)
{
    char header[116];

    /* The 116-byte text MATLAB shows for the file; the version word follows it. */
    snprintf(header, sizeof(header), "MATLAB %s MAT-file, Created by: %s, job %s",
             v == MAT_FT_MAT73 ? "7.3" : "5.0", x->producer != NULL ? x->producer : "pivotd",
             x->job_id != NULL ? x->job_id : "");
    mx_clear_message();
    x->mat = Mat_CreateVer(x->path, header, v);
    if (x->mat == NULL) {
        snprintf(err, errlen, "file \"%s\": libmatio cannot create it as MAT %s%s%s",
                 file_name(x->path), v == MAT_FT_MAT73 ? "7.3" : "5",
                 mx_last_message()[0] != '\0' ? ": " : "", mx_last_message());
        return PIVOT_EIO;
    }
    x->version = v;
    return 0;
}

int mx_open(const char *path, const pivot_export_info *info, void **exp, char *err, size_t errlen)
{
    mx_export *x = NULL;
    int rc = 0;

    *exp = NULL;
    if (path == NULL || info == NULL ||
        info->size < offsetof(pivot_export_info, producer) + sizeof(info->producer)) {
        snprintf(err, errlen, "matlab export: missing path or export info");
        rc = PIVOT_EINVAL;
        goto out;
    }
    x = calloc(1, sizeof(*x));
    if (x == NULL || (x->path = strdup(path)) == NULL || keep_info(x, info) != 0 ||
        mx_names_reserve(&x->variables, meta_name) != 0) {
        snprintf(err, errlen, "file \"%s\": out of memory", file_name(path));
        rc = PIVOT_ENOMEM;
        goto out;
    }
    x->version = MAT_FT_UNDEFINED;
    x->compress73 = info->gzip_level > 0;
    if (mx_job_version(info) != MX_VERSION_AUTO) {
        rc = mx_create_file(x, mx_job_version(info) == MX_VERSION_73 ? MAT_FT_MAT73 : MAT_FT_MAT5,
                            err, errlen);
        if (rc != 0)
            goto out;
    }
    *exp = x;
    x = NULL;
out:
    if (x != NULL)
        mx_close(x, NULL, NULL, 0);
    return rc;
}

/* auto: MAT 5 while the data fits MATLAB's 2 GiB, which then also holds
 * every variable; MAT 7.3 beyond. The spooled channels are written now. */
static int finish_auto(mx_export *x, char *err, size_t errlen)
{
    int rc = 0;

    if (x->mat == NULL)
        rc = mx_create_file(x, x->mat_bytes < MX_MAT5_LIMIT ? MAT_FT_MAT5 : MAT_FT_MAT73, err,
                            errlen);
    for (size_t i = 0; rc == 0 && i < x->nchannels; i++)
        if (x->channels[i].pending)
            rc = mx_write_channel(x, &x->channels[i], err, errlen);
    return rc;
}

int mx_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen)
{
    mx_export *x = exp;
    int rc = 0;

    if (x == NULL)
        return 0;
    if (summary != NULL && x->in_channel) {
        snprintf(err, errlen, "channel \"%s\": export closed before the channel ended",
                 x->channels[x->nchannels - 1].source);
        rc = PIVOT_EINVAL;
    }
    if (summary != NULL && rc == 0)
        rc = finish_auto(x, err, errlen);
    if (summary != NULL && rc == 0)
        rc = mx_write_meta(x, summary, err, errlen);
    /* Abandoned or failed: the host removes the file, whatever it holds. */
    if (x->mat != NULL && Mat_Close(x->mat) != 0 && rc == 0 && summary != NULL) {
        snprintf(err, errlen, "file \"%s\": closing it failed", file_name(x->path));
        rc = PIVOT_EIO;
    }
    for (size_t i = 0; i < x->nchannels; i++)
        mx_channel_free(&x->channels[i]);
    free(x->channels);
    mx_names_free(&x->variables);
    free(x->job_id);
    free(x->request);
    free(x->owner);
    free(x->producer);
    free(x->description);
    free(x->user);
    free(x->metadata);
    free(x->decimation);
    free(x->scratch);
    free(x->path);
    free(x);
    return rc;
}
