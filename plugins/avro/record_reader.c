/*
 * Record reader on libavro's generic value API: one avro_value_t per file,
 * reused for every record.
 */
#include "record_reader.h"
#include "ocf_blocks.h"

#include <avro.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct pva_record_reader {
    const char *path;
    const pva_schema *schema;
    avro_file_reader_t file;
    avro_schema_t writer; /* our own reference to the file's writer schema */
    avro_value_iface_t *iface;
    avro_value_t record;
    int have_record;
};

int pva_reader_open(const char *path, const pva_schema *schema, pva_record_reader **out, char *err,
                    size_t errlen)
{
    pva_record_reader *r;
    avro_schema_t writer;
    int rc = PIVOT_EIO;

    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return PIVOT_ENOMEM;
    r->path = path;
    r->schema = schema;
    if (avro_file_reader(path, &r->file) != 0) {
        r->file = NULL;
        if (schema->codec != NULL && !pva_codec_known(schema->codec))
            pva_errf(err, errlen, "%s: the codec \"%s\" is not supported (libavro: %s)", path,
                     schema->codec, avro_strerror());
        else
            pva_errf(err, errlen, "%s: cannot open: %s", path, avro_strerror());
        goto out;
    }
    writer = avro_file_reader_get_writer_schema(r->file);
    r->writer = avro_schema_incref(writer);
    /* Field indexes come from our own parse of the same text: they must agree. */
    if (!is_avro_record(writer) || avro_schema_record_size(writer) != schema->ntop ||
        schema->time_index < 0) {
        pva_errf(err, errlen, "%s: libavro reads a different record layout", path);
        goto out;
    }
    r->iface = avro_generic_class_from_schema(writer);
    if (r->iface == NULL || avro_generic_value_new(r->iface, &r->record) != 0) {
        pva_errf(err, errlen, "%s: %s", path, avro_strerror());
        goto out;
    }
    r->have_record = 1;
    *out = r;
    r = NULL;
    rc = 0;
out:
    pva_reader_close(r);
    return rc;
}

/* Converts a count of `per_unit` nanoseconds, saturating instead of overflowing. */
static int64_t to_ns(int64_t v, int64_t per_unit)
{
    if (per_unit == 1)
        return v;
    if (v > INT64_MAX / per_unit)
        return INT64_MAX;
    if (v < INT64_MIN / per_unit)
        return INT64_MIN;
    return v * per_unit;
}

int pva_reader_next(pva_record_reader *r, int64_t *time_ns, char *err, size_t errlen)
{
    avro_value_t field;
    int64_t t;
    int rc;

    rc = avro_file_reader_read_value(r->file, &r->record);
    if (rc == EOF)
        return 0;
    if (rc != 0) {
        pva_errf(err, errlen, "%s: damaged data: %s", r->path, avro_strerror());
        return PIVOT_EIO;
    }
    /* time is a field of the top record: one step down its path. */
    if (avro_value_get_by_index(&r->record, r->schema->fields[r->schema->time_index].path[0],
                                &field, NULL) != 0 ||
        avro_value_get_long(&field, &t) != 0) {
        pva_errf(err, errlen, "%s: cannot read time: %s", r->path, avro_strerror());
        return PIVOT_EIO;
    }
    *time_ns = to_ns(t, r->schema->time_ns_per_unit);
    return 1;
}

/* The value of a (flattened) field: one step down per nesting level. */
static int field_value(pva_record_reader *r, const pva_field *f, avro_value_t *out)
{
    avro_value_t v = r->record;

    for (size_t i = 0; i < f->depth; i++) {
        avro_value_t child;
        int rc = avro_value_get_by_index(&v, f->path[i], &child, NULL);
        if (rc != 0)
            return rc;
        v = child;
    }
    *out = v;
    return 0;
}

/* Copies a non-null value of `f` into the row; 0, or non-zero on a libavro error. */
static int fetch_value(const pva_field *f, avro_value_t *v, pva_batch *b, size_t col, size_t row,
                       int *nomem)
{
    void *values = b->columns[col].values;
    const void *data = NULL;
    size_t size = 0;
    int rc;

    switch (b->columns[col].type) {
    case PIVOT_TYPE_INT32:
        return avro_value_get_int(v, &((int32_t *)values)[row]);
    case PIVOT_TYPE_INT64:
        return avro_value_get_long(v, &((int64_t *)values)[row]);
    case PIVOT_TYPE_FLOAT32:
        return avro_value_get_float(v, &((float *)values)[row]);
    case PIVOT_TYPE_FLOAT64:
        return avro_value_get_double(v, &((double *)values)[row]);
    case PIVOT_TYPE_BOOL: {
        int flag = 0;
        rc = avro_value_get_boolean(v, &flag);
        ((uint8_t *)values)[row] = flag != 0;
        return rc;
    }
    case PIVOT_TYPE_ENUM: {
        int index = 0;
        rc = avro_value_get_enum(v, &index);
        if (rc == 0 && (index < 0 || (size_t)index >= f->nsymbols)) {
            avro_set_error("enum index %d out of range", index);
            return EINVAL;
        }
        ((int32_t *)values)[row] = index;
        return rc;
    }
    case PIVOT_TYPE_STRING: {
        const char *s = NULL;
        rc = avro_value_get_string(v, &s, &size);
        if (rc != 0)
            return rc;
        /* libavro's size counts the terminating NUL. */
        *nomem = pva_batch_put_string(b, col, row, s, size > 0 ? size - 1 : 0) != 0;
        return 0;
    }
    case PIVOT_TYPE_BYTES:
        if (f->kind == PVA_AVRO_FIXED)
            rc = avro_value_get_fixed(v, &data, &size);
        else
            rc = avro_value_get_bytes(v, &data, &size);
        if (rc != 0)
            return rc;
        *nomem = pva_batch_put_bytes(b, col, row, data, size) != 0;
        return 0;
    }
    return EINVAL;
}

int pva_reader_fetch(pva_record_reader *r, size_t field, pva_batch *b, size_t col, size_t row,
                     char *err, size_t errlen)
{
    const pva_field *f = &r->schema->fields[field];
    avro_value_t v;
    int nomem = 0;
    int rc;

    rc = field_value(r, f, &v);
    if (rc != 0)
        goto fail;
    if (f->nullable) {
        avro_value_t branch;
        int which = -1;

        rc = avro_value_get_discriminant(&v, &which);
        if (rc != 0)
            goto fail;
        if (which == f->null_branch)
            return pva_batch_fill(b, col, row);
        rc = avro_value_get_current_branch(&v, &branch);
        if (rc != 0)
            goto fail;
        v = branch;
    }
    rc = fetch_value(f, &v, b, col, row, &nomem);
    if (nomem)
        return PIVOT_ENOMEM;
    if (rc == 0) {
        pva_batch_set_valid(b, col, row);
        return 0;
    }
fail:
    pva_errf(err, errlen, "%s: cannot read field %s: %s", r->path, f->name, avro_strerror());
    return PIVOT_EIO;
}

void pva_reader_close(pva_record_reader *r)
{
    if (r == NULL)
        return;
    if (r->have_record)
        avro_value_decref(&r->record);
    if (r->iface != NULL)
        avro_value_iface_decref(r->iface);
    if (r->file != NULL)
        avro_file_reader_close(r->file);
    if (r->writer != NULL) {
        /*
         * libavro 1.11 leaves the writer schema with one reference more than
         * avro_file_reader_close() releases, and nothing can reach it after
         * the close: a few KiB lost per file. Holding our own reference lets
         * us release whatever remains beyond it; with a libavro that does not
         * leak, nothing remains and only ours is dropped.
         */
        while (r->writer->refcount > 1)
            avro_schema_decref(r->writer);
        avro_schema_decref(r->writer);
    }
    free(r);
}
