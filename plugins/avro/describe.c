/*
 * describe/free_info: a channel's signals, with their details, and the
 * fields that are not signals, from its newest schema: the newest
 * configured version, or for a channel of object container files only the
 * header of its newest file. Also where that schema came from and the unit
 * of the channel's time.
 */
#include "avro_source.h"
#include "channel.h"
#include "file_bounds.h"
#include "file_list.h"
#include "newest_schema.h"
#include "record_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The description and the storage it points into, released together. */
typedef struct channel_description {
    pivot_channel_info info; /* first: free_info receives its address */
    char *name;
    pva_schema schema; /* owns the names, symbols, units, doc and types pointed to */
    pivot_signal_info *signals;
    pivot_signal_detail *detail_storage;
    const pivot_signal_detail **details;
    size_t nsignals;
    pivot_unsupported_field *unsupported;
    size_t nunsupported;
} channel_description;

static void description_free(channel_description *d)
{
    if (d == NULL)
        return;
    free(d->unsupported);
    free(d->details);
    free(d->detail_storage);
    free(d->signals);
    pva_schema_clear(&d->schema);
    free(d->name);
    free(d);
}

static void describe_signal(channel_description *d, const pva_field *f)
{
    pivot_signal_detail *detail = &d->detail_storage[d->nsignals];

    d->signals[d->nsignals].name = f->name;
    d->signals[d->nsignals].type = f->type;
    detail->size = sizeof(*detail);
    detail->nullable = f->nullable;
    if (f->type == PIVOT_TYPE_ENUM) {
        detail->nsymbols = f->nsymbols;
        detail->symbols = (const char *const *)f->symbols;
    }
    detail->fixed_size = f->kind == PVA_AVRO_FIXED ? f->fixed_size : 0;
    detail->units = f->units;
    detail->doc = f->doc;
    detail->source_type = f->source_type;
    d->details[d->nsignals] = detail;
    d->nsignals++;
}

/* Fills the description from d->schema, whose storage the description points into. */
static int describe_schema(channel_description *d)
{
    const pva_schema *schema = &d->schema;
    size_t n = schema->nfields ? schema->nfields : 1;

    d->signals = calloc(n, sizeof(*d->signals));
    d->detail_storage = calloc(n, sizeof(*d->detail_storage));
    d->details = calloc(n, sizeof(*d->details));
    d->unsupported = calloc(n, sizeof(*d->unsupported));
    if (d->signals == NULL || d->detail_storage == NULL || d->details == NULL ||
        d->unsupported == NULL)
        return PIVOT_ENOMEM;
    for (size_t i = 0; i < schema->nfields; i++) {
        const pva_field *f = &schema->fields[i];

        if ((long)i == schema->time_index)
            continue;
        if (f->supported) {
            describe_signal(d, f);
            continue;
        }
        pva_log(PIVOT_LOG_DEBUG, "channel \"%s\": field \"%s\" (%s) is not a signal: %s", d->name,
                f->name, f->source_type, f->reason);
        d->unsupported[d->nunsupported].name = f->name;
        d->unsupported[d->nunsupported].source_type = f->source_type;
        d->unsupported[d->nunsupported].reason = f->reason;
        d->nunsupported++;
    }
    return 0;
}

/* The time unit of the file that starts last, else what the configuration or schema says. */
static void describe_unit(const pva_channel *ch, const pva_file_list *files,
                          const pva_bounds *bounds, channel_description *d)
{
    const pva_bounds *newest = NULL;
    int64_t unit = 0;
    pva_unit_source source = PVA_UNIT_UNKNOWN;

    for (size_t i = 0; i < files->count; i++)
        if (bounds[i].usable && (newest == NULL || bounds[i].first_ns >= newest->first_ns))
            newest = &bounds[i];
    if (newest != NULL) {
        unit = newest->ns_per_unit;
        source = newest->unit_source;
    } else if (ch->ns_per_unit != 0) {
        unit = ch->ns_per_unit;
        source = PVA_UNIT_CONFIGURED;
    } else if (d->schema.time_unit_logical) {
        unit = d->schema.time_ns_per_unit;
        source = PVA_UNIT_LOGICAL_TYPE;
    } else if (ch->default_ns_per_unit != 0) {
        unit = ch->default_ns_per_unit;
        source = PVA_UNIT_CONFIGURED;
    }
    d->info.time_unit = pva_time_unit_name(unit);
    d->info.time_unit_source = pva_unit_source_name(source);
}

int pva_describe(void *ctx, const char *channel, pivot_channel_info **out, char *err, size_t errlen)
{
    pva_instance *inst = ctx;
    channel_description *d = NULL;
    pva_channel ch = {0};
    pva_file_list files = {0};
    pva_bounds *bounds = NULL;
    pva_schema_origin origin = PVA_ORIGIN_NONE;
    char problem[PIVOT_ERRMSG_SIZE];
    int rc;

    *out = NULL;
    rc = pva_channel_open(inst, channel, &ch, err, errlen);
    if (rc != 0)
        goto out;
    rc = pva_file_list_read(ch.dir, &files, err, errlen);
    if (rc != 0)
        goto out;
    d = calloc(1, sizeof(*d));
    if (d == NULL || (d->name = strdup(channel)) == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    rc = pva_bounds_all(inst, &ch, &files, &bounds);
    if (rc == 0)
        rc = pva_newest_schema(&ch, &files, bounds, &d->schema, &origin, problem, sizeof(problem));
    if (rc == PIVOT_EINVAL)
        pva_errf(err, errlen, "%s", problem);
    if (rc != 0)
        goto out;
    if (d->schema.text == NULL && problem[0] != '\0') {
        pva_errf(err, errlen, "%s", problem);
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (d->schema.text != NULL) {
        rc = describe_schema(d);
        if (rc != 0)
            goto out;
    }
    d->info.schema_source = pva_origin_name(origin);
    describe_unit(&ch, &files, bounds, d);
    d->info.size = sizeof(d->info);
    d->info.name = d->name;
    d->info.nsignals = d->nsignals;
    d->info.signals = d->signals;
    d->info.schema = d->schema.text;
    /* Always given, one per signal, so that readers need not test for NULL entries. */
    d->info.details = d->details;
    d->info.nunsupported = d->nunsupported;
    d->info.unsupported = d->nunsupported > 0 ? d->unsupported : NULL;
    *out = &d->info;
    d = NULL;
out:
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory describing the channel");
    description_free(d);
    free(bounds);
    pva_file_list_free(&files);
    pva_channel_close(&ch);
    return rc;
}

void pva_free_info(void *ctx, pivot_channel_info *info)
{
    description_free((channel_description *)info);
}
