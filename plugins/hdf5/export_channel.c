/*
 * The channel level of an export: a group per channel holding an extendible
 * `time` dimension scale and one extendible dataset per signal attached to
 * it (two for a nullable signal: values and mask), grown by one hyperslab
 * per batch.
 */
#include "attrs.h"
#include "direct_chunks.h"
#include "h5_error.h"
#include "hdf5_export.h"
#include "null_mask.h"
#include "provenance.h"
#include "signal_attrs.h"
#include "signal_type.h"
#include "signal_write.h"
#include "string_column.h"

#include <hdf5_hl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CF/udunits spelling, so that netCDF-4 readers (xarray, netCDF4) decode the
 * scale as times: they do not know "ns". */
static const char time_units[] = "nanoseconds since 1970-01-01T00:00:00Z";

static int create_time(hx_export *x, char *err, size_t errlen)
{
    char where[300];
    int rc = 0;

    const hsize_t chunk = hx_chunk_elements(x, H5T_STD_I64LE);

    x->time = hx_column_create(x, "time", H5T_STD_I64LE, chunk, err, errlen);
    if (x->time < 0) {
        rc = PIVOT_EIO;
        goto out;
    }
    x->time_direct = hx_direct_open(x, x->time, "time", H5T_STD_I64LE, sizeof(int64_t), chunk);
    snprintf(where, sizeof(where), "channel \"%s\" dataset \"time\"", x->channel);
    rc = hx_attr_string(x->time, x->str_type, "units", time_units, where, err, errlen);
    if (rc != 0)
        goto out;
    if (H5DSset_scale(x->time, "time") < 0)
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5DSset_scale", "channel \"%s\" dataset \"time\"",
                     x->channel);
out:
    return rc;
}

/* HDF5 link names cannot hold '/', and "." names the parent group itself. */
static int valid_name(const char *name)
{
    return name != NULL && name[0] != '\0' && strchr(name, '/') == NULL && strcmp(name, ".") != 0;
}

/* The detail of exported signal i with every member readable (all zero
 * when the host gave none). Strings stay borrowed from the host. */
static void read_detail(const pivot_channel_info *channel, size_t i, pivot_signal_detail *out)
{
    pivot_signal_detail_read(channel->details != NULL ? channel->details[i] : NULL, out);
}

static int check_signals(const char *channel, const pivot_signal_info *signals, size_t nsignals,
                         char *err, size_t errlen)
{
    int rc = 0;

    for (size_t i = 0; i < nsignals; i++) {
        const char *name = signals[i].name;

        if (!valid_name(name) || strcmp(name, "time") == 0) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": not usable as a dataset name",
                     channel, name ? name : "(null)");
            rc = PIVOT_EINVAL;
            goto out;
        }
        if (signals[i].type < PIVOT_TYPE_INT32 || signals[i].type > PIVOT_TYPE_BYTES) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": unsupported type %d", channel,
                     name, (int)signals[i].type);
            rc = PIVOT_ENOTSUP;
            goto out;
        }
    }
out:
    return rc;
}

/* The host promised details parallel to the begun signals: a mismatch would mislabel them. */
static int check_details(const pivot_channel_info *channel, const pivot_signal_info *signals,
                         size_t nsignals, char *err, size_t errlen)
{
    int rc = 0;

    if (channel->details == NULL)
        goto out;
    if (channel->nsignals != nsignals) {
        snprintf(err, errlen, "channel \"%s\": its details describe %zu signals, %zu were begun",
                 channel->name, channel->nsignals, nsignals);
        rc = PIVOT_EINVAL;
        goto out;
    }
    for (size_t i = 0; channel->signals != NULL && i < nsignals; i++) {
        const char *described = channel->signals[i].name;

        if (described == NULL || strcmp(described, signals[i].name) != 0) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": its detail describes \"%s\"",
                     channel->name, signals[i].name, described ? described : "(null)");
            rc = PIVOT_EINVAL;
            goto out;
        }
    }
out:
    return rc;
}

/* A nullable signal's mask takes the name `<signal>.valid`, which no signal may hold. */
static int check_mask_names(const pivot_channel_info *channel, const pivot_signal_info *signals,
                            size_t nsignals, char *err, size_t errlen)
{
    pivot_signal_detail d;
    int rc = 0;

    for (size_t i = 0; i < nsignals; i++) {
        read_detail(channel, i, &d);
        for (size_t j = 0; d.nullable && j < nsignals; j++) {
            if (!hx_is_mask_name(signals[i].name, signals[j].name))
                continue;
            snprintf(err, errlen,
                     "channel \"%s\" signal \"%s\": its null mask would be the dataset \"%s\", "
                     "which is another signal; leave one of the two out of the request's signals",
                     channel->name, signals[i].name, signals[j].name);
            rc = PIVOT_EINVAL;
            goto out;
        }
    }
out:
    return rc;
}

/*
 * Signal s's dataset of file_type in s->chunk rows (a character array when
 * s->str_width is set) with its attributes, attached to time, and its mask
 * when nullable and not made yet.
 */
static int create_dataset(hx_export *x, hx_signal *s, hid_t file_type, const pivot_signal_detail *d,
                          char *err, size_t errlen)
{
    char where[300];
    int rc = 0;

    if (s->str_width > 0) {
        s->dset = hx_char_column_create(x, s->name, file_type, s->chunk, s->str_width, err, errlen);
    } else {
        s->dset = hx_column_create(x, s->name, file_type, s->chunk, err, errlen);
        if (s->dset >= 0)
            s->direct =
                hx_direct_open(x, s->dset, s->name, file_type, H5Tget_size(s->mem_type), s->chunk);
    }
    if (s->dset < 0) {
        rc = PIVOT_EIO;
        goto out;
    }
    snprintf(where, sizeof(where), "channel \"%s\" signal \"%s\"", x->channel, s->name);
    rc = hx_signal_attrs(x, s, file_type, d, s->valid_name, where, err, errlen);
    if (rc == 0 && s->str_width > 0)
        rc = hx_str_chars_attach(x, s, where, err, errlen);
    if (rc != 0)
        goto out;
    if (H5DSattach_scale(s->dset, x->time, 0) < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5DSattach_scale", "%s", where);
        goto out;
    }
    /* The mask is chunked like the signal, so that the same rows share a chunk index. */
    if (s->nullable && s->valid < 0)
        rc = hx_mask_create(x, s, s->chunk, err, errlen);
out:
    return rc;
}

static int create_signal(hx_export *x, hx_signal *s, const pivot_signal_detail *d, char *err,
                         size_t errlen)
{
    hid_t file_type = H5I_INVALID_HID;
    int rc;

    rc = hx_signal_types(x, s, d, &file_type, &s->mem_type, err, errlen);
    if (rc != 0)
        goto out;
    /* Indices are checked against the symbols only when the type names them. */
    if (H5Tget_class(file_type) == H5T_ENUM)
        s->nsymbols = d->nsymbols;
    s->chunk = hx_chunk_elements(x, file_type);
    rc = create_dataset(x, s, file_type, d, err, errlen);
out:
    if (file_type >= 0)
        H5Tclose(file_type);
    return rc;
}

int hx_string_signal_create(hx_export *x, hx_signal *s, size_t width, char *err, size_t errlen)
{
    /* The detail as begin_channel had it, from the texts kept. */
    const pivot_signal_detail d = {.size = sizeof(d),
                                   .nullable = s->nullable,
                                   .units = s->units,
                                   .doc = s->doc,
                                   .source_type = s->source_type};
    hid_t file_type;
    int rc = 0;

    s->str_width = width;
    file_type = width > 0 ? hx_str_char_type() : H5Tcopy(x->str_type);
    s->mem_type = file_type >= 0 ? H5Tcopy(file_type) : H5I_INVALID_HID;
    if (file_type < 0 || s->mem_type < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Tcopy", "channel \"%s\" signal \"%s\"", x->channel,
                     s->name);
        goto out;
    }
    /* Rows as a row of that width would have them; kept when a character
     * array becomes variable-length, so that its mask stays aligned. */
    if (s->chunk == 0)
        s->chunk = hx_chunk_for(x->chunk_elements, width > 0 ? width : H5Tget_size(file_type));
    rc = create_dataset(x, s, file_type, &d, err, errlen);
out:
    if (file_type >= 0)
        H5Tclose(file_type);
    return rc;
}

/* Where the source's schema came from and the unit its time was stored in
 * for a reader who wonders how a raw value became `time`. */
static int write_origin(hx_export *x, const pivot_channel_info *channel, const char *where,
                        char *err, size_t errlen)
{
    const struct {
        const char *name;
        const char *value;
    } attrs[] = {{"schema_source", channel->schema_source},
                 {"time_unit", channel->time_unit},
                 {"time_unit_source", channel->time_unit_source}};
    int rc = 0;

    for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]) && rc == 0; i++)
        if (attrs[i].value != NULL)
            rc = hx_attr_string(x->group, x->str_type, attrs[i].name, attrs[i].value, where, err,
                                errlen);
    return rc;
}

static int create_group(hx_export *x, const pivot_channel_info *channel, char *err, size_t errlen)
{
    char where[300];
    int rc = 0;

    x->group = H5Gcreate2(x->file, x->channel, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (x->group < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Gcreate2", "channel \"%s\"", x->channel);
        goto out;
    }
    snprintf(where, sizeof(where), "channel \"%s\"", x->channel);
    if (channel->schema != NULL)
        rc = hx_attr_string(x->group, x->str_type, "source_schema", channel->schema, where, err,
                            errlen);
    if (rc == 0)
        rc = write_origin(x, channel, where, err, errlen);
    if (rc == 0)
        rc = hx_provenance_write(x->group, x->str_type, &x->provenance, where, err, errlen);
out:
    return rc;
}

/* A copy of text, or NULL for none; *failed is set when out of memory. */
static char *copy_text(const char *text, int *failed)
{
    char *copy = text != NULL ? strdup(text) : NULL;

    if (text != NULL && copy == NULL)
        *failed = 1;
    return copy;
}

/* What append needs of signal i, kept past this call; a string signal's
 * dataset waits for its first samples, so it keeps its detail's texts. */
static int init_signal(hx_signal *s, const pivot_signal_info *signal, const pivot_signal_detail *d)
{
    int failed = 0;

    s->dset = s->valid = s->mem_type = H5I_INVALID_HID;
    s->type = signal->type;
    s->nullable = d->nullable != 0;
    s->fixed_size = signal->type == PIVOT_TYPE_BYTES ? d->fixed_size : 0;
    s->name = copy_text(signal->name, &failed);
    if (s->nullable)
        s->valid_name = hx_mask_name(signal->name);
    if (signal->type == PIVOT_TYPE_STRING) {
        s->units = copy_text(d->units, &failed);
        s->doc = copy_text(d->doc, &failed);
        s->source_type = copy_text(d->source_type, &failed);
    }
    return failed || s->name == NULL || (s->nullable && s->valid_name == NULL) ? PIVOT_ENOMEM : 0;
}

/* Refuses what cannot be written before anything is created. */
static int check_channel(hx_export *x, const pivot_channel_info *channel,
                         const pivot_signal_info *signals, size_t nsignals, char *err,
                         size_t errlen)
{
    int rc = 0;

    if (x->group >= 0) {
        snprintf(err, errlen, "channel \"%s\": begun before channel \"%s\" ended",
                 channel->name ? channel->name : "(null)", x->channel);
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (!valid_name(channel->name)) {
        snprintf(err, errlen, "channel \"%s\": not usable as a group name",
                 channel->name ? channel->name : "(null)");
        rc = PIVOT_EINVAL;
        goto out;
    }
    rc = check_signals(channel->name, signals, nsignals, err, errlen);
    if (rc == 0)
        rc = check_details(channel, signals, nsignals, err, errlen);
    if (rc == 0)
        rc = check_mask_names(channel, signals, nsignals, err, errlen);
    if (rc != 0)
        goto out;
    if (H5Lexists(x->file, channel->name, H5P_DEFAULT) > 0) {
        snprintf(err, errlen, "channel \"%s\": exported twice", channel->name);
        rc = PIVOT_EEXIST;
    }
out:
    return rc;
}

int hx_begin_channel(void *exp, const pivot_channel_info *channel, const pivot_signal_info *signals,
                     size_t nsignals, char *err, size_t errlen)
{
    hx_export *x = exp;
    pivot_signal_detail d;
    int rc;

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
    if (rc == 0)
        rc = create_group(x, channel, err, errlen);
    if (rc == 0)
        rc = create_time(x, err, errlen);
    for (size_t i = 0; rc == 0 && i < nsignals; i++) {
        read_detail(channel, i, &d);
        if (signals[i].type != PIVOT_TYPE_STRING)
            rc = create_signal(x, &x->signals[i], &d, err, errlen);
    }
forget:
    if (rc != 0)
        hx_channel_release(x);
out:
    return rc;
}

/* The batch must carry the begun signals in order, as the host promised. */
static int check_batch(const hx_export *x, const pivot_batch *batch, char *err, size_t errlen)
{
    int rc = 0;

    if (batch->ncolumns != x->nsignals || batch->time == NULL) {
        snprintf(err, errlen, "channel \"%s\": batch has %zu columns%s, %zu signals were begun",
                 x->channel, batch->ncolumns, batch->time ? "" : " and no time", x->nsignals);
        rc = PIVOT_EINVAL;
        goto out;
    }
    for (size_t i = 0; i < x->nsignals; i++) {
        const pivot_column *c = &batch->columns[i];

        if (c->type != x->signals[i].type || c->data == NULL ||
            (c->name != NULL && strcmp(c->name, x->signals[i].name) != 0)) {
            snprintf(err, errlen, "channel \"%s\" signal \"%s\": batch column %zu is \"%s\" of %s",
                     x->channel, x->signals[i].name, i, c->name ? c->name : "(null)",
                     c->data ? pivot_type_name(c->type) : "no data");
            rc = PIVOT_EINVAL;
            goto out;
        }
    }
out:
    return rc;
}

/* String signals are made with their first samples, whose lengths choose their layout. */
static int create_string_signals(hx_export *x, const pivot_batch *batch, char *err, size_t errlen)
{
    int rc = 0;

    for (size_t i = 0; rc == 0 && i < x->nsignals; i++) {
        hx_signal *s = &x->signals[i];

        if (s->type == PIVOT_TYPE_STRING && s->dset < 0)
            rc = hx_string_signal_create(
                x, s, hx_str_width(x, batch->columns[i].data, batch->count), err, errlen);
    }
    return rc;
}

int hx_append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    hx_export *x = exp;
    const hsize_t count = batch->count;
    hid_t mem_space = H5I_INVALID_HID;
    int rc = 0;

    if (x->group < 0) {
        snprintf(err, errlen, "hdf5 export: batch appended outside of a channel");
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (count == 0)
        goto out;
    rc = check_batch(x, batch, err, errlen);
    if (rc != 0)
        goto out;
    mem_space = H5Screate_simple(1, &count, NULL);
    if (mem_space < 0) {
        rc = hx_fail(PIVOT_EIO, err, errlen, "H5Screate_simple", "channel \"%s\"", x->channel);
        goto out;
    }
    rc = hx_column_append(x, x->time_direct, x->time, H5T_NATIVE_INT64, mem_space, batch->time,
                          count, "time", err, errlen);
    if (rc == 0)
        rc = create_string_signals(x, batch, err, errlen);
    /* A mask is read only for a nullable signal, whose detail came from a host
     * whose batches have `valid`. */
    for (size_t i = 0; rc == 0 && i < x->nsignals; i++)
        rc = hx_signal_append(x, &x->signals[i], &batch->columns[i],
                              x->signals[i].nullable && batch->valid != NULL ? batch->valid[i]
                                                                             : NULL,
                              mem_space, count, err, errlen);
    if (rc == 0)
        x->length += count;
out:
    if (mem_space >= 0)
        H5Sclose(mem_space);
    return rc;
}

static int write_channel_summary(hx_export *x, const pivot_channel_summary *s, char *err,
                                 size_t errlen)
{
    char where[300];
    int rc;

    snprintf(where, sizeof(where), "channel \"%s\"", x->channel);
    rc = hx_attr_uint64(x->group, "sample_count", x->length, where, err, errlen);
    if (rc != 0 || x->length == 0)
        goto out;
    rc = hx_attr_range(x->group, x->str_type, "actual", s->actual.start_ns, s->actual.end_ns, where,
                       err, errlen);
out:
    return rc;
}

int hx_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen)
{
    hx_export *x = exp;
    int rc = 0;

    if (x->group < 0) {
        snprintf(err, errlen, "hdf5 export: channel ended without being begun");
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
    /* A string signal without samples is variable-length, as it has no length to go by. */
    for (size_t i = 0; rc == 0 && i < x->nsignals; i++)
        if (x->signals[i].type == PIVOT_TYPE_STRING && x->signals[i].dset < 0)
            rc = hx_string_signal_create(x, &x->signals[i], 0, err, errlen);
    if (rc == 0)
        rc = hx_direct_finish_channel(x, err, errlen);
    if (rc == 0)
        rc = write_channel_summary(x, summary, err, errlen);
out:
    hx_channel_release(x);
    return rc;
}

void hx_channel_release(hx_export *x)
{
    /* No chunk may still be on its way to a dataset about to close. */
    hx_direct_release_channel(x);
    x->time_direct = NULL;
    for (size_t i = 0; i < x->nsignals; i++) {
        hx_signal *s = &x->signals[i];

        if (s->dset >= 0)
            H5Dclose(s->dset);
        if (s->valid >= 0)
            H5Dclose(s->valid);
        if (s->mem_type >= 0)
            H5Tclose(s->mem_type);
        free(s->name);
        free(s->valid_name);
        free(s->units);
        free(s->doc);
        free(s->source_type);
    }
    free(x->signals);
    x->signals = NULL;
    x->nsignals = 0;
    if (x->time >= 0)
        H5Dclose(x->time);
    if (x->group >= 0)
        H5Gclose(x->group);
    x->time = x->group = H5I_INVALID_HID;
    free(x->channel);
    x->channel = NULL;
    x->length = 0;
}
