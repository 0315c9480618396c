/*
 * The pivot_export variable: what the file holds and where it came from,
 * so that a reader needs neither the request nor the naming rule.
 */
#include "mat_export.h"
#include "mat_values.h"

#include <pivot/grammar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/** Version of the layout described in docs/api.md, for readers to check. */
#define MX_FORMAT_VERSION 1
#define META_FIELDS 24

typedef struct meta {
    const char *names[META_FIELDS];
    matvar_t *values[META_FIELDS];
    size_t n;
} meta;

static void put(meta *m, const char *name, matvar_t *value)
{
    m->names[m->n] = name;
    m->values[m->n++] = value;
}

static void put_text(meta *m, const char *name, const char *text)
{
    if (text != NULL)
        put(m, name, mx_char(text));
}

/* Per channel, a cell of texts picked from it. */
static matvar_t *per_channel(const mx_export *x, int which)
{
    matvar_t **cells = calloc(x->nchannels + 1, sizeof(*cells));
    size_t dims[2] = {x->nchannels, 1};
    matvar_t *v = NULL;
    size_t i;

    if (cells == NULL)
        return NULL;
    for (i = 0; i < x->nchannels; i++) {
        const mx_channel *ch = &x->channels[i];

        if (which == 0)
            cells[i] = mx_char(ch->source);
        else if (which == 1)
            cells[i] = mx_char(ch->var);
        else if (which == 2)
            cells[i] = mx_char_cell((const char *const *)ch->signals, ch->nsignals);
        else
            cells[i] = mx_char_cell(ch->signal_fields, ch->nsignals);
        if (cells[i] == NULL)
            goto out;
    }
    v = Mat_VarCreate(NULL, MAT_C_CELL, MAT_T_CELL, 2, dims, x->nchannels > 0 ? cells : NULL, 0);
out:
    if (v == NULL)
        for (size_t k = 0; k < x->nchannels; k++)
            Mat_VarFree(cells[k]);
    free(cells);
    return v;
}

int mx_write_meta(mx_export *x, const pivot_export_summary *s, char *err, size_t errlen)
{
    char created[PIVOT_RFC3339_SIZE];
    meta m = {{0}, {0}, 0};
    matvar_t *var;
    int rc = 0;

    if (pivot_rfc3339_format((int64_t)time(NULL) * PIVOT_NS_PER_SEC, created, sizeof(created)) != 0)
        snprintf(created, sizeof(created), "%s", PIVOT_FIRST_TIME_TEXT);
    put(&m, "format_version", mx_double(MX_FORMAT_VERSION));
    put_text(&m, "mat_version", x->version == MAT_FT_MAT73 ? "7.3" : "5");
    put_text(&m, "job_id", x->job_id);
    put_text(&m, "producer", x->producer);
    put_text(&m, "owner", x->owner);
    put_text(&m, "created", created);
    put_text(&m, "request", x->request);
    put_text(&m, "description", x->description);
    put_text(&m, "user", x->user);
    put_text(&m, "metadata", x->metadata);
    put_text(&m, "decimation_method", x->decimation);
    put(&m, "requested_start_ns", mx_int64(x->requested.start_ns));
    put(&m, "requested_end_ns", mx_int64(x->requested.end_ns));
    put(&m, "sample_count", mx_double((double)s->samples));
    put(&m, "actual_start_ns", mx_int64(s->actual.start_ns));
    put(&m, "actual_end_ns", mx_int64(s->actual.end_ns));
    put(&m, "channels", per_channel(x, 0));
    put(&m, "variables", per_channel(x, 1));
    put(&m, "signals", per_channel(x, 2));
    put(&m, "fields", per_channel(x, 3));
    var = mx_struct("pivot_export", m.names, m.values, m.n);
    if (var == NULL) {
        snprintf(err, errlen, "variable \"pivot_export\": out of memory");
        return PIVOT_ENOMEM;
    }
    mx_clear_message();
    if (Mat_VarWrite(x->mat, var,
                     x->version == MAT_FT_MAT73 && !x->compress73 ? MAT_COMPRESSION_NONE
                                                                  : MAT_COMPRESSION_ZLIB) != 0) {
        snprintf(err, errlen, "writing variable \"pivot_export\" failed%s%s",
                 mx_last_message()[0] ? ": " : "", mx_last_message());
        rc = PIVOT_EIO;
    }
    Mat_VarFree(var);
    return rc;
}
