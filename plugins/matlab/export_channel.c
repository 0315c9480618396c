/*
 * The channel level of an export: a struct per channel whose fields are
 * `time` (double seconds since the epoch), `time_ns` (int64) and one field
 * per signal, with `<signal>_valid` beside a nullable one and
 * `<signal>_symbols` beside an enum. Batches go to one spool per field; the
 * struct is written from them at end_channel once the file exists, else at
 * close (auto version).
 */
#include "mat_export.h"

#include "utf16.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A MAT 5 array element's tags, flags, dimensions and name, as matio writes
 * a field or a cell element, for the size estimate. */
#define MAT5_ELEMENT_OVERHEAD 64.0

static const char *const suffix_valid = "_valid";
static const char *const suffix_symbols = "_symbols";

static mx_channel *current(mx_export *x)
{
    return x->in_channel ? &x->channels[x->nchannels - 1] : NULL;
}

static void *scratch(mx_export *x, size_t size)
{
    void *grown;

    if (size <= x->scratch_size)
        return x->scratch;
    grown = realloc(x->scratch, size);
    if (grown == NULL)
        return NULL;
    x->scratch = grown;
    x->scratch_size = size;
    return grown;
}

void mx_channel_drop_fields(mx_channel *ch)
{
    for (size_t i = 0; i < ch->nfields; i++) {
        mx_field *f = &ch->fields[i];

        mx_spool_remove(&f->data);
        mx_spool_remove(&f->lengths);
        for (size_t k = 0; k < f->nsymbols; k++)
            free(f->symbols[k]);
        free(f->symbols);
    }
    free(ch->fields);
    ch->fields = NULL;
    ch->nfields = 0;
    ch->pending = 0;
}

void mx_channel_free(mx_channel *ch)
{
    mx_channel_drop_fields(ch);
    for (size_t i = 0; i < ch->nsignals; i++)
        free(ch->signals[i]);
    free(ch->signals);
    free(ch->signal_fields);
    mx_names_free(&ch->field_names);
    free(ch->source);
    memset(ch, 0, sizeof(*ch));
}

static int is_cell_type(pivot_type t)
{
    return t == PIVOT_TYPE_STRING || t == PIVOT_TYPE_BYTES;
}

static int open_spool(mx_export *x, mx_spool *s, char *err, size_t errlen)
{
    size_t len = strlen(x->path) + 32;
    char *name = malloc(len);
    int rc;

    if (name == NULL) {
        snprintf(err, errlen, "part file: out of memory");
        return PIVOT_ENOMEM;
    }
    snprintf(name, len, "%s.%u.part", x->path, x->part_seq++);
    rc = mx_spool_open(s, name, err, errlen);
    free(name);
    return rc;
}

static int copy_symbols(mx_field *f, const pivot_signal_detail *d)
{
    f->symbols = calloc(d->nsymbols > 0 ? d->nsymbols : 1, sizeof(*f->symbols));
    if (f->symbols == NULL)
        return PIVOT_ENOMEM;
    for (; f->nsymbols < d->nsymbols; f->nsymbols++) {
        f->symbols[f->nsymbols] = strdup(d->symbols[f->nsymbols] ? d->symbols[f->nsymbols] : "");
        if (f->symbols[f->nsymbols] == NULL)
            return PIVOT_ENOMEM;
    }
    return 0;
}

/* Names every field: time and time_ns, then the signals' values (so that a
 * signal keeps its own name when it can), then masks and symbol lists. */
static int name_fields(mx_channel *ch, const pivot_signal_info *signals,
                       const pivot_signal_detail *details, const char **valid_names,
                       const char **symbol_names)
{
    if (mx_names_reserve(&ch->field_names, "time") != 0 ||
        mx_names_reserve(&ch->field_names, "time_ns") != 0)
        return PIVOT_ENOMEM;
    for (size_t i = 0; i < ch->nsignals; i++) {
        ch->signals[i] = strdup(signals[i].name);
        ch->signal_fields[i] = mx_names_claim(&ch->field_names, signals[i].name, NULL);
        if (ch->signals[i] == NULL || ch->signal_fields[i] == NULL)
            return PIVOT_ENOMEM;
    }
    for (size_t i = 0; i < ch->nsignals; i++) {
        if (details[i].nullable && (valid_names[i] = mx_names_claim(
                                        &ch->field_names, signals[i].name, suffix_valid)) == NULL)
            return PIVOT_ENOMEM;
        if (signals[i].type == PIVOT_TYPE_ENUM &&
            (symbol_names[i] = mx_names_claim(&ch->field_names, signals[i].name, suffix_symbols)) ==
                NULL)
            return PIVOT_ENOMEM;
    }
    return 0;
}

static mx_field *add_field(mx_channel *ch, const char *name, mx_role role, size_t column,
                           pivot_type type)
{
    mx_field *f = &ch->fields[ch->nfields++];

    f->name = name;
    f->role = role;
    f->column = column;
    f->type = type;
    return f;
}

/* The fields in struct order, each with the spools it is written from. */
static int make_fields(mx_export *x, mx_channel *ch, const pivot_signal_info *signals,
                       const pivot_signal_detail *details, char *err, size_t errlen)
{
    const char **valid = calloc(ch->nsignals + 1, sizeof(*valid));
    const char **symbols = calloc(ch->nsignals + 1, sizeof(*symbols));
    int rc = PIVOT_ENOMEM;

    ch->fields = calloc(2 + 3 * ch->nsignals, sizeof(*ch->fields));
    if (valid == NULL || symbols == NULL || ch->fields == NULL ||
        name_fields(ch, signals, details, valid, symbols) != 0)
        goto out;
    add_field(ch, "time", MX_TIME, 0, PIVOT_TYPE_FLOAT64);
    add_field(ch, "time_ns", MX_TIME_NS, 0, PIVOT_TYPE_INT64);
    for (size_t i = 0; i < ch->nsignals; i++) {
        add_field(ch, ch->signal_fields[i], MX_VALUE, i, signals[i].type);
        if (valid[i] != NULL)
            add_field(ch, valid[i], MX_VALID, i, PIVOT_TYPE_BOOL);
        if (symbols[i] != NULL &&
            copy_symbols(add_field(ch, symbols[i], MX_SYMBOLS, i, PIVOT_TYPE_STRING),
                         &details[i]) != 0)
            goto out;
    }
    rc = 0;
    for (size_t i = 0; rc == 0 && i < ch->nfields; i++) {
        mx_field *f = &ch->fields[i];

        if (f->role != MX_SYMBOLS)
            rc = open_spool(x, &f->data, err, errlen);
        if (rc == 0 && f->role == MX_VALUE && is_cell_type(f->type))
            rc = open_spool(x, &f->lengths, err, errlen);
    }
    goto done;
out:
    snprintf(err, errlen, "channel \"%s\": out of memory", ch->source);
done:
    free(valid);
    free(symbols);
    return rc;
}

static int check_signals(const pivot_channel_info *channel, const pivot_signal_info *signals,
                         size_t nsignals, char *err, size_t errlen)
{
    for (size_t i = 0; i < nsignals; i++) {
        if (signals[i].name == NULL || signals[i].name[0] == '\0' ||
            signals[i].type < PIVOT_TYPE_INT32 || signals[i].type > PIVOT_TYPE_BYTES) {
            snprintf(err, errlen, "channel \"%s\" signal %zu: no name or an unsupported type %d",
                     channel->name, i, (int)signals[i].type);
            return PIVOT_ENOTSUP;
        }
    }
    return 0;
}

int mx_begin_channel(void *exp, const pivot_channel_info *channel, const pivot_signal_info *signals,
                     size_t nsignals, char *err, size_t errlen)
{
    mx_export *x = exp;
    pivot_signal_detail *details = NULL;
    mx_channel *grown, *ch;
    int rc;

    if (x->in_channel) {
        snprintf(err, errlen, "channel \"%s\": begun before channel \"%s\" ended", channel->name,
                 current(x)->source);
        return PIVOT_EINVAL;
    }
    rc = check_signals(channel, signals, nsignals, err, errlen);
    if (rc != 0)
        return rc;
    grown = realloc(x->channels, (x->nchannels + 1) * sizeof(*grown));
    details = calloc(nsignals + 1, sizeof(*details));
    if (grown != NULL)
        x->channels = grown;
    if (grown == NULL || details == NULL)
        goto oom;
    ch = &x->channels[x->nchannels++];
    memset(ch, 0, sizeof(*ch));
    x->in_channel = 1;
    ch->nsignals = nsignals;
    ch->source = strdup(channel->name);
    ch->signals = calloc(nsignals + 1, sizeof(*ch->signals));
    ch->signal_fields = calloc(nsignals + 1, sizeof(*ch->signal_fields));
    if (ch->source == NULL || ch->signals == NULL || ch->signal_fields == NULL ||
        (ch->var = mx_names_claim(&x->variables, channel->name, NULL)) == NULL)
        goto oom;
    for (size_t i = 0; i < nsignals; i++)
        pivot_signal_detail_read(channel->details != NULL ? channel->details[i] : NULL,
                                 &details[i]);
    rc = make_fields(x, ch, signals, details, err, errlen);
    goto out;
oom:
    snprintf(err, errlen, "channel \"%s\": out of memory", channel->name);
    rc = PIVOT_ENOMEM;
out:
    if (rc != 0 && x->in_channel) {
        /* Keep the name for pivot_export's list; the host fails the job anyway. */
        mx_channel_drop_fields(current(x));
        x->in_channel = 0;
    }
    free(details);
    return rc;
}

static size_t element_size(pivot_type t)
{
    switch (t) {
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
        return 8;
    case PIVOT_TYPE_BOOL:
        return 1;
    default:
        return 4;
    }
}

/* Seconds since the epoch as the nearest double: whole seconds (exact) plus
 * the fraction, so that only the sum rounds. */
static double seconds_of(int64_t ns)
{
    int64_t s = ns / 1000000000, rem = ns % 1000000000;

    if (rem < 0) {
        rem += 1000000000;
        s -= 1;
    }
    return (double)s + (double)rem / 1e9;
}

static int append_time(mx_export *x, mx_field *f, const pivot_batch *b, char *err, size_t errlen)
{
    double *secs;

    if (f->role == MX_TIME_NS)
        return mx_spool_write(&f->data, b->time, b->count * sizeof(int64_t), err, errlen);
    secs = scratch(x, b->count * sizeof(double));
    if (secs == NULL && b->count > 0) {
        snprintf(err, errlen, "out of memory for a batch of %zu samples", b->count);
        return PIVOT_ENOMEM;
    }
    for (size_t i = 0; i < b->count; i++)
        secs[i] = seconds_of(b->time[i]);
    return mx_spool_write(&f->data, secs, b->count * sizeof(double), err, errlen);
}

static int append_valid(mx_export *x, mx_field *f, const pivot_batch *b, char *err, size_t errlen)
{
    const uint8_t *valid = b->valid != NULL ? b->valid[f->column] : NULL;
    uint8_t *ones;

    if (valid != NULL)
        return mx_spool_write(&f->data, valid, b->count, err, errlen);
    ones = scratch(x, b->count);
    if (ones == NULL && b->count > 0) {
        snprintf(err, errlen, "out of memory for a batch of %zu samples", b->count);
        return PIVOT_ENOMEM;
    }
    if (b->count > 0)
        memset(ones, 1, b->count);
    return mx_spool_write(&f->data, ones, b->count, err, errlen);
}

/* One cell element: its UTF-16 units or bytes, and their count. */
static int append_cell(mx_export *x, mx_field *f, const void *data, size_t len, double *bytes,
                       char *err, size_t errlen)
{
    uint32_t count;
    int rc;

    if (f->type == PIVOT_TYPE_STRING) {
        uint16_t *units = scratch(x, len * sizeof(uint16_t) + 1);
        if (units == NULL) {
            snprintf(err, errlen, "out of memory for a string of %zu bytes", len);
            return PIVOT_ENOMEM;
        }
        len = mx_utf16_from_utf8(data, len, units);
        data = units;
        len *= sizeof(uint16_t);
    }
    if (len / (f->type == PIVOT_TYPE_STRING ? 2 : 1) > UINT32_MAX) {
        snprintf(err, errlen, "field \"%s\": an element of %zu bytes is over MATLAB's limit",
                 f->name, len);
        return PIVOT_ERANGE;
    }
    count = (uint32_t)(f->type == PIVOT_TYPE_STRING ? len / 2 : len);
    rc = mx_spool_write(&f->data, data, len, err, errlen);
    if (rc == 0)
        rc = mx_spool_write(&f->lengths, &count, sizeof(count), err, errlen);
    *bytes += MAT5_ELEMENT_OVERHEAD + (double)((len + 7) / 8 * 8);
    return rc;
}

static int append_cells(mx_export *x, mx_channel *ch, mx_field *f, const pivot_batch *b, char *err,
                        size_t errlen)
{
    const void *data = b->columns[f->column].data;
    int rc = 0;

    ch->cells += b->count;
    if (ch->cells > mx_config.max_cells) {
        snprintf(err, errlen,
                 "over %llu string and bytes samples, each of which is a "
                 "MATLAB cell held in memory while the channel is written "
                 "(plugins.matlab.max_cells); export a shorter range, decimate, or use the "
                 "hdf5, netcdf or csv format",
                 (unsigned long long)mx_config.max_cells);
        return PIVOT_ERANGE;
    }
    for (size_t i = 0; rc == 0 && i < b->count; i++) {
        if (f->type == PIVOT_TYPE_STRING) {
            const char *s = ((const char *const *)data)[i];
            rc = append_cell(x, f, s != NULL ? s : "", s != NULL ? strlen(s) : 0, &ch->mat_bytes,
                             err, errlen);
        } else {
            const pivot_bytes *e = &((const pivot_bytes *)data)[i];
            rc = append_cell(x, f, e->data, e->len, &ch->mat_bytes, err, errlen);
        }
    }
    return rc;
}

static int append_field(mx_export *x, mx_channel *ch, mx_field *f, const pivot_batch *b, char *err,
                        size_t errlen)
{
    size_t size;

    switch (f->role) {
    case MX_TIME:
    case MX_TIME_NS:
        ch->mat_bytes += 8.0 * (double)b->count;
        return append_time(x, f, b, err, errlen);
    case MX_VALID:
        ch->mat_bytes += (double)b->count;
        return append_valid(x, f, b, err, errlen);
    case MX_SYMBOLS:
        return 0;
    case MX_VALUE:
        break;
    }
    if (is_cell_type(f->type))
        return append_cells(x, ch, f, b, err, errlen);
    size = element_size(f->type);
    ch->mat_bytes += (double)(size * b->count);
    return mx_spool_write(&f->data, b->columns[f->column].data, size * b->count, err, errlen);
}

int mx_append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    mx_export *x = exp;
    mx_channel *ch = current(x);
    int rc = 0;

    if (ch == NULL || batch->ncolumns != ch->nsignals) {
        snprintf(err, errlen, "batch of %zu columns outside of a channel of %zu signals",
                 batch->ncolumns, ch != NULL ? ch->nsignals : 0);
        return PIVOT_EINVAL;
    }
    for (size_t i = 0; rc == 0 && i < ch->nfields; i++)
        rc = append_field(x, ch, &ch->fields[i], batch, err, errlen);
    ch->samples += batch->count;
    if (rc == 0 && x->version == MAT_FT_MAT5 && ch->mat_bytes >= MX_MAT5_LIMIT) {
        snprintf(err, errlen,
                 "the channel is over 2 GiB, more than a MAT 5 variable holds; set "
                 "options.format_options.version (or plugins.matlab.version) to auto or 7.3, or "
                 "export a shorter range");
        rc = PIVOT_ERANGE;
    }
    return rc;
}

int mx_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen)
{
    mx_export *x = exp;
    mx_channel *ch = current(x);
    int rc = 0;

    (void)summary;
    if (ch == NULL) {
        snprintf(err, errlen, "channel ended without being begun");
        return PIVOT_EINVAL;
    }
    x->in_channel = 0;
    for (size_t i = 0; rc == 0 && i < ch->nfields; i++) {
        rc = mx_spool_finish(&ch->fields[i].data, err, errlen);
        if (rc == 0)
            rc = mx_spool_finish(&ch->fields[i].lengths, err, errlen);
    }
    ch->mat_bytes += MAT5_ELEMENT_OVERHEAD * (double)(ch->nfields + 1);
    x->mat_bytes += ch->mat_bytes;
    ch->pending = 1;
    /* With the version known the channel goes into the file now and its
     * spools away; auto keeps them until close has seen every channel. */
    if (rc == 0 && x->mat != NULL)
        rc = mx_write_channel(x, ch, err, errlen);
    if (rc != 0)
        mx_channel_drop_fields(ch);
    return rc;
}
