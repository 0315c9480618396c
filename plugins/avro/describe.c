/* describe/free_info: a channel's signals, from the schema of its newest file. */
#include "avro_source.h"
#include "channel_dir.h"
#include "file_list.h"
#include "record_schema.h"

#include <stdlib.h>
#include <string.h>

/* The description and the storage it points into, released together. */
typedef struct channel_description {
    pivot_channel_info info; /* first: free_info receives its address */
    char *name;
    char *schema;
    pivot_signal_info *signals;
    char **signal_names;
    size_t nsignals;
} channel_description;

static void description_free(channel_description *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->nsignals; i++)
        free(d->signal_names[i]);
    free(d->signal_names);
    free(d->signals);
    free(d->schema);
    free(d->name);
    free(d);
}

/* Fills the description from a schema; the schema text moves into it. */
static int describe_schema(channel_description *d, pva_schema *schema)
{
    d->signals = calloc(schema->nfields ? schema->nfields : 1, sizeof(*d->signals));
    d->signal_names = calloc(schema->nfields ? schema->nfields : 1, sizeof(*d->signal_names));
    if (d->signals == NULL || d->signal_names == NULL)
        return PIVOT_ENOMEM;
    for (size_t i = 0; i < schema->nfields; i++) {
        const pva_field *f = &schema->fields[i];

        if ((long)i == schema->time_index)
            continue;
        if (!f->supported) {
            pva_log(PIVOT_LOG_DEBUG,
                    "channel \"%s\": field \"%s\" has a type not offered as a signal", d->name,
                    f->name);
            continue;
        }
        d->signal_names[d->nsignals] = strdup(f->name);
        if (d->signal_names[d->nsignals] == NULL)
            return PIVOT_ENOMEM;
        d->signals[d->nsignals].name = d->signal_names[d->nsignals];
        d->signals[d->nsignals].type = f->type;
        d->nsignals++;
    }
    d->schema = schema->text;
    schema->text = NULL;
    return 0;
}

int pva_describe(void *ctx, const char *channel, pivot_channel_info **out, char *err, size_t errlen)
{
    pva_instance *inst = ctx;
    channel_description *d = NULL;
    pva_file_list files = {0};
    pva_schema schema = {0};
    char msg[PIVOT_ERRMSG_SIZE];
    char *dir = NULL;
    int rc;

    *out = NULL;
    rc = pva_channel_dir(inst, channel, &dir, err, errlen);
    if (rc != 0)
        goto out;
    rc = pva_file_list_read(inst, dir, NULL, &files, err, errlen);
    if (rc != 0)
        goto out;
    d = calloc(1, sizeof(*d));
    if (d == NULL || (d->name = strdup(channel)) == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    /* A channel without files yet has no signals; that is not an error. */
    if (files.count > 0) {
        rc = pva_schema_load_newest(&files, &schema, msg, sizeof(msg));
        if (rc != 0) {
            pva_errf(err, errlen, "channel \"%s\": %s", channel, msg);
            goto out;
        }
        if (schema.time_index < 0) {
            pva_errf(err, errlen, "channel \"%s\": the schema has no usable time field", channel);
            rc = PIVOT_EINVAL;
            goto out;
        }
        rc = describe_schema(d, &schema);
        if (rc != 0)
            goto out;
    }
    d->info.size = sizeof(d->info);
    d->info.name = d->name;
    d->info.nsignals = d->nsignals;
    d->info.signals = d->signals;
    d->info.schema = d->schema;
    *out = &d->info;
    d = NULL;
out:
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory describing channel \"%s\"", channel);
    description_free(d);
    pva_schema_clear(&schema);
    pva_file_list_free(&files);
    free(dir);
    return rc;
}

void pva_free_info(void *ctx, pivot_channel_info *info)
{
    description_free((channel_description *)info);
}
