/*
 * The channel level of an export: a group per channel holding an unlimited
 * `time` dimension with its coordinate variable and one variable per signal
 * along it (two for a nullable signal: values and mask), each grown by one
 * slab per batch.
 */
#include "attrs.h"
#include "nc_error.h"
#include "nc_export.h"
#include "signal_var.h"
#include "signal_write.h"
#include "string_var.h"

#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Chunks of about 128 KiB whatever the element size, as the hdf5 exporter
 * measured best; a short channel wastes at most one chunk per variable. */
#define NX_CHUNK_BYTES (128 * 1024)

/* CF/udunits spelling that xarray and netCDF4 decode to datetime64[ns]
 * exactly: integer nanoseconds, no rounding through float seconds. */
static const char time_units[] = "nanoseconds since 1970-01-01T00:00:00Z";

int nx_var_storage(nx_export *x, int var, const char *name, size_t elem_size, size_t columns,
                   int filterable, char *err, size_t errlen)
{
    const size_t row_bytes = (elem_size ? elem_size : 1) * (columns ? columns : 1);
    size_t chunk[2] = {x->chunk_elements, columns};
    int status;
    const char *op = "nc_def_var_chunking";

    if (chunk[0] == 0)
        chunk[0] = row_bytes < NX_CHUNK_BYTES ? NX_CHUNK_BYTES / row_bytes : 1;
    status = nc_def_var_chunking(x->group, var, NC_CHUNKED, chunk);
    /* Shuffle groups the bytes of each significance together, which deflate
     * then compresses far better on slowly varying samples. */
    if (status == NC_NOERR && filterable && x->gzip_level > 0) {
        op = "nc_def_var_deflate";
        status = nc_def_var_deflate(x->group, var, 1, 1, (int)x->gzip_level);
    }
    /* Appends never revisit a chunk: a cache per variable only costs memory,
     * which a wide channel multiplies. One chunk of room lets a batch smaller
     * than a chunk fill it before it is written (and compressed) once. */
    if (status == NC_NOERR) {
        op = "nc_set_var_chunk_cache";
        status = nc_set_var_chunk_cache(x->group, var, chunk[0] * row_bytes + 1024, 7, 1.0f);
    }
    return status == NC_NOERR ? 0
                              : nx_fail(PIVOT_EIO, err, errlen, status, op,
                                        "channel \"%s\" variable \"%s\"", x->channel, name);
}

void *nx_scratch(nx_export *x, size_t size, char *err, size_t errlen)
{
    void *grown = x->scratch;

    if (size <= x->scratch_size)
        goto out;
    grown = realloc(x->scratch, size);
    if (grown == NULL) {
        snprintf(err, errlen, "channel \"%s\": out of memory for %zu bytes of a batch", x->channel,
                 size);
        goto out;
    }
    x->scratch = grown;
    x->scratch_size = size;
out:
    return grown;
}

/* netCDF names cannot hold '/', and must not be empty. */
static int valid_name(const char *name)
{
    return name != NULL && name[0] != '\0' && strchr(name, '/') == NULL;
}

/* The detail of exported signal i with every member readable (all zero
 * when the host gave none). Strings stay borrowed from the host. */
static void read_detail(const pivot_channel_info *channel, size_t i, pivot_signal_detail *out)
{
    pivot_signal_detail_read(channel->details != NULL ? channel->details[i] : NULL, out);
}

/* True when `other` is `name` followed by the mask suffix. */
static int is_mask_name(const char *name, const char *other)
{
    size_t len = strlen(name);

    return strncmp(other, name, len) == 0 && strcmp(other + len, NX_VALID_SUFFIX) == 0;
}

static int check_signals(const pivot_channel_info *channel, const pivot_signal_info *signals,
                         size_t nsignals, char *err, size_t errlen)
{
    pivot_signal_detail d;

    for (size_t i = 0; i < nsignals; i++) {
        const char *name = signals[i].name;

        if (!valid_name(name) || strcmp(name, "time") == 0) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": not usable as a variable name",
                     channel->name, name ? name : "(null)");
            return PIVOT_EINVAL;
        }
        if (signals[i].type < PIVOT_TYPE_INT32 || signals[i].type > PIVOT_TYPE_BYTES) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": unsupported type %d",
                     channel->name, name, (int)signals[i].type);
            return PIVOT_ENOTSUP;
        }
        read_detail(channel, i, &d);
        for (size_t j = 0; d.nullable && j < nsignals; j++) {
            if (!is_mask_name(name, signals[j].name))
                continue;
            snprintf(err, errlen,
                     "channel \"%s\" signal \"%s\": its null mask would be the variable \"%s\", "
                     "which is another signal; leave one of the two out of the request's signals",
                     channel->name, name, signals[j].name);
            return PIVOT_EINVAL;
        }
    }
    return 0;
}

/* The host promised details parallel to the begun signals: a mismatch would mislabel them. */
static int check_details(const pivot_channel_info *channel, const pivot_signal_info *signals,
                         size_t nsignals, char *err, size_t errlen)
{
    if (channel->details == NULL)
        return 0;
    if (channel->nsignals != nsignals) {
        snprintf(err, errlen, "channel \"%s\": its details describe %zu signals, %zu were begun",
                 channel->name, channel->nsignals, nsignals);
        return PIVOT_EINVAL;
    }
    for (size_t i = 0; channel->signals != NULL && i < nsignals; i++) {
        const char *described = channel->signals[i].name;

        if (described == NULL || strcmp(described, signals[i].name) != 0) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": its detail describes \"%s\"",
                     channel->name, signals[i].name, described ? described : "(null)");
            return PIVOT_EINVAL;
        }
    }
    return 0;
}

/* Refuses what cannot be written before anything is defined. */
static int check_channel(nx_export *x, const pivot_channel_info *channel,
                         const pivot_signal_info *signals, size_t nsignals, char *err,
                         size_t errlen)
{
    int existing, rc = 0;

    if (x->group >= 0) {
        snprintf(err, errlen, "channel \"%s\": begun before channel \"%s\" ended",
                 channel->name ? channel->name : "(null)", x->channel);
        return PIVOT_EINVAL;
    }
    if (!valid_name(channel->name)) {
        snprintf(err, errlen, "channel \"%s\": not usable as a group name",
                 channel->name ? channel->name : "(null)");
        return PIVOT_EINVAL;
    }
    rc = check_signals(channel, signals, nsignals, err, errlen);
    if (rc == 0)
        rc = check_details(channel, signals, nsignals, err, errlen);
    if (rc == 0 && nc_inq_grp_ncid(x->ncid, channel->name, &existing) == NC_NOERR) {
        snprintf(err, errlen, "channel \"%s\": exported twice", channel->name);
        rc = PIVOT_EEXIST;
    }
    return rc;
}

/* What append needs of signal i, kept past this call. */
static int init_signal(nx_signal *s, const pivot_signal_info *signal, const pivot_signal_detail *d)
{
    s->var = s->valid_var = s->strlen_dim = -1;
    s->type = signal->type;
    s->nullable = d->nullable != 0;
    s->fixed_size = signal->type == PIVOT_TYPE_BYTES ? d->fixed_size : 0;
    s->name = strdup(signal->name);
    if (s->nullable && s->name != NULL) {
        size_t len = strlen(s->name);

        s->valid_name = malloc(len + sizeof(NX_VALID_SUFFIX));
        if (s->valid_name != NULL) {
            memcpy(s->valid_name, s->name, len);
            memcpy(s->valid_name + len, NX_VALID_SUFFIX, sizeof(NX_VALID_SUFFIX));
        }
    }
    if (s->type == PIVOT_TYPE_STRING && nx_string_defer(s, d) != 0)
        return PIVOT_ENOMEM;
    return s->name == NULL || (s->nullable && s->valid_name == NULL) ? PIVOT_ENOMEM : 0;
}

/* The unlimited dimension and its CF coordinate variable. */
static int define_time(nx_export *x, int *dim, char *err, size_t errlen)
{
    const struct {
        const char *name;
        const char *value;
    } attrs[] = {
        {"standard_name", "time"},
        {"long_name", "time of the sample"},
        {"units", time_units},
        /* Gregorian before 1582 too: times are Unix instants, whatever the date. */
        {"calendar", "proleptic_gregorian"},
        {"axis", "T"},
    };
    char where[300];
    int status, rc = 0;

    snprintf(where, sizeof(where), "channel \"%s\" variable \"time\"", x->channel);
    status = nc_def_dim(x->group, "time", NC_UNLIMITED, dim);
    if (status == NC_NOERR)
        status = nc_def_var(x->group, "time", NC_INT64, 1, dim, &x->time_var);
    if (status == NC_NOERR)
        status = nc_def_var_fill(x->group, x->time_var, NC_NOFILL, NULL);
    if (status != NC_NOERR) {
        rc = nx_fail(PIVOT_EIO, err, errlen, status, "nc_def_var", "%s", where);
        goto out;
    }
    rc = nx_var_storage(x, x->time_var, "time", sizeof(int64_t), 0, 1, err, errlen);
    for (size_t i = 0; rc == 0 && i < sizeof(attrs) / sizeof(attrs[0]); i++)
        rc = nx_attr_text(x->group, x->time_var, attrs[i].name, attrs[i].value, where, err, errlen);
out:
    return rc;
}

/*
 * The job's provenance and decimation, copied from the root onto the group
 * as they are, so that a channel opened alone (xarray's group=) still says
 * what its rows are and where they come from. Those the root lacks (no
 * decimation) are left out.
 */
static int repeat_provenance(nx_export *x, const char *where, char *err, size_t errlen)
{
    static const char *const names[] = {"job_id",
                                        "producer",
                                        "request",
                                        "requested_start",
                                        "requested_end",
                                        "requested_start_iso",
                                        "requested_end_iso",
                                        "decimation_method",
                                        "decimation_factor",
                                        "decimation_interval_ns",
                                        "decimation_interval_iso"};
    int status;

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        status = nc_inq_attid(x->ncid, NC_GLOBAL, names[i], NULL);
        if (status == NC_ENOTATT)
            continue;
        if (status == NC_NOERR)
            status = nc_copy_att(x->ncid, NC_GLOBAL, names[i], x->group, NC_GLOBAL);
        if (status != NC_NOERR)
            return nx_fail(PIVOT_EIO, err, errlen, status, "nc_copy_att", "%s attribute \"%s\"",
                           where, names[i]);
    }
    return 0;
}

/* Where the source's schema came from and the unit its time was stored in. */
static int describe_group(nx_export *x, const pivot_channel_info *channel, char *err, size_t errlen)
{
    const int origin = 1; /* every ABI 1 description has these members */
    const struct {
        const char *name;
        const char *value;
    } attrs[] = {{"source_schema", channel->schema},
                 {"schema_source", origin ? channel->schema_source : NULL},
                 {"time_unit", origin ? channel->time_unit : NULL},
                 {"time_unit_source", origin ? channel->time_unit_source : NULL}};
    char where[300];
    int rc = 0;

    snprintf(where, sizeof(where), "channel \"%s\"", x->channel);
    for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]) && rc == 0; i++)
        if (attrs[i].value != NULL)
            rc = nx_attr_text(x->group, NC_GLOBAL, attrs[i].name, attrs[i].value, where, err,
                              errlen);
    if (rc == 0)
        rc = repeat_provenance(x, where, err, errlen);
    return rc;
}

int nx_begin_channel(void *exp, const pivot_channel_info *channel, const pivot_signal_info *signals,
                     size_t nsignals, char *err, size_t errlen)
{
    nx_export *x = exp;
    pivot_signal_detail d;
    int status, dim = -1, rc;

    rc = check_channel(x, channel, signals, nsignals, err, errlen);
    if (rc != 0)
        goto out;
    /* From here on, a failure forgets the half-made channel. */
    x->channel = strdup(channel->name);
    x->signals = calloc(nsignals ? nsignals : 1, sizeof(*x->signals));
    if (x->channel == NULL || x->signals == NULL) {
        snprintf(err, errlen, "channel \"%s\": out of memory", channel->name);
        rc = PIVOT_ENOMEM;
        goto forget;
    }
    for (size_t i = 0; rc == 0 && i < nsignals; i++) {
        read_detail(channel, i, &d);
        x->nsignals = i + 1;
        rc = init_signal(&x->signals[i], &signals[i], &d);
        if (rc != 0)
            snprintf(err, errlen, "channel \"%s\": out of memory", channel->name);
    }
    if (rc != 0)
        goto forget;
    status = nc_def_grp(x->ncid, channel->name, &x->group);
    if (status != NC_NOERR) {
        x->group = -1;
        rc = nx_fail(status == NC_EBADNAME ? PIVOT_EINVAL : PIVOT_EIO, err, errlen, status,
                     "nc_def_grp", "channel \"%s\"", channel->name);
        goto forget;
    }
    rc = describe_group(x, channel, err, errlen);
    if (rc == 0)
        rc = define_time(x, &dim, err, errlen);
    x->time_dim = dim;
    /* Strings wait for their first batch, which chooses their layout. */
    for (size_t i = 0; rc == 0 && i < nsignals; i++) {
        read_detail(channel, i, &d);
        if (!x->signals[i].deferred)
            rc = nx_signal_define(x, &x->signals[i], dim, &d, err, errlen);
    }
    /* The datasets are made now, with the fills defined above. */
    if (rc == 0 && (status = nc_enddef(x->ncid)) != NC_NOERR)
        rc = nx_fail(PIVOT_EIO, err, errlen, status, "nc_enddef", "channel \"%s\"", x->channel);
    for (size_t i = 0; rc == 0 && i < nsignals; i++)
        rc = nx_signal_drop_fill(x, &x->signals[i], err, errlen);
forget:
    if (rc != 0)
        nx_channel_release(x);
out:
    return rc;
}

/* The batch must carry the begun signals in order, as the host promised. */
static int check_batch(const nx_export *x, const pivot_batch *batch, char *err, size_t errlen)
{
    if (batch->ncolumns != x->nsignals || batch->time == NULL) {
        snprintf(err, errlen, "channel \"%s\": batch has %zu columns%s, %zu signals were begun",
                 x->channel, batch->ncolumns, batch->time ? "" : " and no time", x->nsignals);
        return PIVOT_EINVAL;
    }
    for (size_t i = 0; i < x->nsignals; i++) {
        const pivot_column *c = &batch->columns[i];

        if (c->type != x->signals[i].type || c->data == NULL ||
            (c->name != NULL && strcmp(c->name, x->signals[i].name) != 0)) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": batch column %zu is \"%s\" of %s",
                     x->channel, x->signals[i].name, i, c->name ? c->name : "(null)",
                     c->data ? pivot_type_name(c->type) : "no data");
            return PIVOT_EINVAL;
        }
    }
    return 0;
}

int nx_append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    nx_export *x = exp;
    const size_t start = x->length, count = batch->count;
    int status, rc = 0;

    if (x->group < 0) {
        snprintf(err, errlen, "netcdf export: batch appended outside of a channel");
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (count == 0)
        goto out;
    rc = check_batch(x, batch, err, errlen);
    if (rc == 0)
        rc = nx_strings_define(x, batch, err, errlen);
    if (rc != 0)
        goto out;
    status =
        nc_put_vara_longlong(x->group, x->time_var, &start, &count, (const long long *)batch->time);
    if (status != NC_NOERR) {
        rc = nx_fail(PIVOT_EIO, err, errlen, status, "nc_put_vara_longlong",
                     "channel \"%s\" variable \"time\"", x->channel);
        goto out;
    }
    /* A mask is read only for a nullable signal, whose detail came from a host
     * whose batches have `valid`. */
    for (size_t i = 0; rc == 0 && i < x->nsignals; i++)
        rc = nx_signal_append(x, &x->signals[i], &batch->columns[i],
                              x->signals[i].nullable && batch->valid != NULL ? batch->valid[i]
                                                                             : NULL,
                              count, err, errlen);
    if (rc == 0)
        x->length += count;
out:
    return rc;
}

int nx_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen)
{
    nx_export *x = exp;
    char where[300];
    int rc = 0;

    if (x->group < 0) {
        snprintf(err, errlen, "netcdf export: channel ended without being begun");
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (summary == NULL ||
        summary->size < offsetof(pivot_channel_summary, actual) + sizeof(summary->actual) ||
        summary->samples != x->length) {
        snprintf(err, errlen, "channel \"%s\": summary counts %llu samples, %llu were appended",
                 x->channel, summary ? (unsigned long long)summary->samples : 0ULL,
                 (unsigned long long)x->length);
        rc = PIVOT_EINVAL;
        goto out;
    }
    snprintf(where, sizeof(where), "channel \"%s\"", x->channel);
    /* A channel without samples still has its string variables, NC_STRING. */
    rc = nx_strings_define(x, NULL, err, errlen);
    if (rc == 0)
        rc = nx_attr_uint64(x->group, NC_GLOBAL, "sample_count", x->length, where, err, errlen);
    if (rc == 0 && x->length > 0)
        rc = nx_attr_range(x->group, "actual", summary->actual.start_ns, summary->actual.end_ns,
                           where, err, errlen);
out:
    nx_channel_release(x);
    return rc;
}

void nx_channel_release(nx_export *x)
{
    for (size_t i = 0; i < x->nsignals; i++) {
        free(x->signals[i].name);
        free(x->signals[i].valid_name);
        free(x->signals[i].units);
        free(x->signals[i].doc);
        free(x->signals[i].source_type);
    }
    free(x->signals);
    x->signals = NULL;
    x->nsignals = 0;
    x->group = x->time_var = x->time_dim = -1;
    free(x->channel);
    x->channel = NULL;
    x->length = 0;
}
