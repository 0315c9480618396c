/*
 * The file level of an export: creating a NetCDF-4 file whose root group
 * carries the job's facts as CF and ACDD global attributes, and closing it
 * with the export's totals and time coverage.
 */
#include "attrs.h"
#include "nc_error.h"
#include "nc_export.h"

#include <netcdf.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/** Version of the layout described in docs/api.md, for readers to check: 2 since short
 * strings became character arrays (1 stored every string as NC_STRING). */
#define NX_FORMAT_VERSION 2

static const char root[] = "file root";

/* The file's name without its directory: messages may reach a client, who
 * has no business knowing the server's directories. */
static const char *file_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

/* The text attributes of the root: CF's and ACDD's, then the job's own when given. */
static int write_info_texts(int ncid, const pivot_export_info *info, char *err, size_t errlen)
{
    char title[160], created[PIVOT_RFC3339_SIZE];
    const struct {
        const char *name;
        const char *value;
    } texts[] = {
        {"Conventions", "CF-1.8, ACDD-1.3"},
        {"title", title},
        {"source", "SpeedData telemetry"},
        {"date_created", created},
        {"job_id", info->job_id},
        {"producer", info->producer},
        {"owner", info->owner},
        {"request", info->request_json},
        {"description", info->description},
        {"user", info->user},
        {"metadata", info->metadata_json},
    };
    int rc = 0;

    snprintf(title, sizeof(title), "SpeedData Pivot export %s", info->job_id ? info->job_id : "");
    /* The moment of writing, to the second, as ACDD asks. */
    if (pivot_rfc3339_format((int64_t)time(NULL) * PIVOT_NS_PER_SEC, created, sizeof(created)) != 0)
        snprintf(created, sizeof(created), "%s", PIVOT_FIRST_TIME_TEXT);
    for (size_t i = 0; rc == 0 && i < sizeof(texts) / sizeof(texts[0]); i++)
        if (texts[i].value != NULL)
            rc = nx_attr_text(ncid, NC_GLOBAL, texts[i].name, texts[i].value, root, err, errlen);
    return rc;
}

/* How the rows were reduced, for readers that should not parse the request. */
static int write_decimation(int ncid, const pivot_export_info *info, char *err, size_t errlen)
{
    char iso[PIVOT_ISO_DURATION_SIZE];
    int rc = 0;

    if (info->decimation_method == NULL)
        goto out;
    rc = nx_attr_text(ncid, NC_GLOBAL, "decimation_method", info->decimation_method, root, err,
                      errlen);
    if (rc == 0 && info->decimation_factor > 0)
        rc = nx_attr_uint64(ncid, NC_GLOBAL, "decimation_factor", info->decimation_factor, root,
                            err, errlen);
    if (rc != 0 || info->decimation_interval_ns <= 0)
        goto out;
    rc = nx_attr_int64(ncid, NC_GLOBAL, "decimation_interval_ns", info->decimation_interval_ns,
                       root, err, errlen);
    if (rc == 0 && pivot_iso_duration_format(info->decimation_interval_ns, iso, sizeof(iso)) != 0) {
        snprintf(err, errlen, "file root attribute \"decimation_interval_iso\": %lld ns %s",
                 (long long)info->decimation_interval_ns, "cannot be shown");
        rc = PIVOT_ERANGE;
    }
    if (rc == 0)
        rc = nx_attr_text(ncid, NC_GLOBAL, "decimation_interval_iso", iso, root, err, errlen);
out:
    return rc;
}

static int write_info(nx_export *x, const pivot_export_info *info, char *err, size_t errlen)
{
    int rc;

    rc = nx_attr_int32(x->ncid, NC_GLOBAL, "pivot_format_version", NX_FORMAT_VERSION, root, err,
                       errlen);
    if (rc == 0)
        rc = write_info_texts(x->ncid, info, err, errlen);
    if (rc == 0)
        rc = nx_attr_range(x->ncid, "requested", info->requested.start_ns, info->requested.end_ns,
                           root, err, errlen);
    if (rc == 0)
        rc = write_decimation(x->ncid, info, err, errlen);
    return rc;
}

/* The job's storage options (options.compression, options.chunk_size). */
static int check_storage_options(const pivot_export_info *info, char *err, size_t errlen)
{
    if (info->gzip_level > 9) {
        snprintf(err, errlen, "netcdf export: gzip level %u is not in 1..9", info->gzip_level);
        return PIVOT_EINVAL;
    }
    if (info->chunk_size > NX_CHUNK_MAX_ELEMENTS) {
        snprintf(err, errlen, "netcdf export: chunk size %llu is over %llu elements",
                 (unsigned long long)info->chunk_size, (unsigned long long)NX_CHUNK_MAX_ELEMENTS);
        return PIVOT_EINVAL;
    }
    return 0;
}

int nx_open(const char *path, const pivot_export_info *info, void **exp, char *err, size_t errlen)
{
    nx_export *x = NULL;
    int status, rc = 0;

    *exp = NULL;
    if (path == NULL || info == NULL ||
        info->size < offsetof(pivot_export_info, producer) + sizeof(info->producer)) {
        snprintf(err, errlen, "netcdf export: missing path or export info");
        rc = PIVOT_EINVAL;
        goto out;
    }
    rc = check_storage_options(info, err, errlen);
    if (rc != 0)
        goto out;
    x = calloc(1, sizeof(*x));
    if (x == NULL) {
        snprintf(err, errlen, "file \"%s\": out of memory", file_name(path));
        rc = PIVOT_ENOMEM;
        goto out;
    }
    x->ncid = x->bytes_type = x->group = x->time_var = x->time_dim = -1;
    x->gzip_level = info->gzip_level;
    x->chunk_elements = info->chunk_size;
    status = nc_create(path, NC_NETCDF4 | NC_NOCLOBBER, &x->ncid);
    if (status != NC_NOERR) {
        x->ncid = -1;
        rc = nx_fail(status == NC_EEXIST ? PIVOT_EEXIST : PIVOT_EIO, err, errlen, status,
                     "nc_create", "file \"%s\"", file_name(path));
        goto out;
    }
    rc = write_info(x, info, err, errlen);
    if (rc != 0)
        goto out;
    *exp = x;
    x = NULL;
out:
    if (x != NULL)
        nx_close(x, NULL, NULL, 0);
    return rc;
}

/* Totals and, when there were samples, the ACDD time coverage. */
static int write_summary(nx_export *x, const pivot_export_summary *s, char *err, size_t errlen)
{
    char iso[PIVOT_RFC3339_SIZE];
    int rc;

    rc = nx_attr_uint32(x->ncid, NC_GLOBAL, "channels_exported", s->channels, root, err, errlen);
    if (rc == 0)
        rc = nx_attr_uint64(x->ncid, NC_GLOBAL, "sample_count", s->samples, root, err, errlen);
    if (rc != 0 || s->samples == 0)
        goto out;
    rc = nx_attr_range(x->ncid, "actual", s->actual.start_ns, s->actual.end_ns, root, err, errlen);
    /* ACDD's coverage is of the samples: the first one and the last one, inclusive. */
    if (rc == 0 && pivot_rfc3339_format(s->actual.start_ns, iso, sizeof(iso)) == 0)
        rc = nx_attr_text(x->ncid, NC_GLOBAL, "time_coverage_start", iso, root, err, errlen);
    if (rc == 0 && pivot_rfc3339_format(s->actual.end_ns - 1, iso, sizeof(iso)) == 0)
        rc = nx_attr_text(x->ncid, NC_GLOBAL, "time_coverage_end", iso, root, err, errlen);
out:
    return rc;
}

int nx_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen)
{
    nx_export *x = exp;
    int status, rc = 0;

    if (x == NULL)
        goto out;
    if (summary != NULL && x->group >= 0) {
        snprintf(err, errlen, "channel \"%s\": export closed before the channel ended", x->channel);
        rc = PIVOT_EINVAL;
    }
    nx_channel_release(x);
    if (summary == NULL || rc != 0 || x->ncid < 0)
        goto release;
    if (summary->size < offsetof(pivot_export_summary, actual) + sizeof(summary->actual)) {
        snprintf(err, errlen, "file root: export summary too small (%zu bytes)", summary->size);
        rc = PIVOT_EINVAL;
        goto release;
    }
    rc = write_summary(x, summary, err, errlen);
    if (rc != 0)
        goto release;
    status = nc_close(x->ncid);
    x->ncid = -1;
    if (status != NC_NOERR)
        rc = nx_fail(PIVOT_EIO, err, errlen, status, "nc_close", "%s", root);
release:
    /* Abandoned or failed: the host removes the file, whatever it holds. */
    if (x->ncid >= 0)
        nc_abort(x->ncid);
    free(x->scratch);
    free(x);
out:
    return rc;
}
