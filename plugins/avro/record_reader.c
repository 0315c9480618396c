/*
 * Record reader on libavro's generic value API: one avro_value_t per file,
 * reused for every record. Object container files are libavro's own to
 * read; the relay's header-less files are cut into blocks by the block
 * reader and each block's records read from memory with the configured
 * schema.
 */
#include "record_reader.h"
#include "ocf_blocks.h"

#include "time_unit.h"

#include <avro.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct pva_record_reader {
    const char *path;
    const char *name; /* for messages */
    const pva_schema *schema;
    int64_t ns_per_unit;
    avro_file_reader_t file;
    pva_ocf_blocks *blocks; /* header-less files */
    avro_reader_t block;    /* the current block's bytes */
    int64_t left;           /* records of the current block not yet read */
    const uint8_t *data;    /* the current block */
    size_t len;
    avro_schema_t writer; /* our own reference to the file's writer schema */
    avro_value_iface_t *iface;
    avro_value_t record;
    int have_record;
};

/* The writer schema of a file: libavro's, or for header-less files the configured one. */
static int open_writer(pva_record_reader *r, const char *path, avro_schema_t *writer, char *err,
                       size_t errlen)
{
    int rc = pva_blocks_open(path, r->name, &r->blocks, err, errlen);

    if (rc == 0 && pva_blocks_kind(r->blocks) == PVA_FILE_RELAY) {
        r->block = avro_reader_memory(NULL, 0);
        if (r->block == NULL ||
            avro_schema_from_json_length(r->schema->text, strlen(r->schema->text), writer) != 0) {
            pva_errf(err, errlen, "%s: %s", r->name, avro_strerror());
            return PIVOT_EIO;
        }
        r->writer = *writer;
        return 0;
    }
    pva_blocks_close(r->blocks);
    r->blocks = NULL;
    if (avro_file_reader(path, &r->file) != 0) {
        r->file = NULL;
        if (r->schema->codec != NULL && !pva_codec_known(r->schema->codec))
            pva_errf(err, errlen, "%s: the codec \"%s\" is not supported (libavro: %s)", r->name,
                     r->schema->codec, avro_strerror());
        else
            pva_errf(err, errlen, "%s: cannot open: %s", r->name, avro_strerror());
        return PIVOT_EIO;
    }
    *writer = avro_file_reader_get_writer_schema(r->file);
    r->writer = avro_schema_incref(*writer);
    return 0;
}

int pva_reader_open(const char *path, const char *name, const pva_schema *schema,
                    int64_t ns_per_unit, pva_record_reader **out, char *err, size_t errlen)
{
    pva_record_reader *r;
    avro_schema_t writer = NULL;
    int rc = PIVOT_EIO;

    *out = NULL;
    r = calloc(1, sizeof(*r));
    if (r == NULL)
        return PIVOT_ENOMEM;
    r->path = path;
    r->name = name;
    r->schema = schema;
    r->ns_per_unit = ns_per_unit;
    rc = open_writer(r, path, &writer, err, errlen);
    if (rc != 0)
        goto out;
    rc = PIVOT_EIO;
    /* Field indexes come from our own parse of the same text: they must agree. */
    if (!is_avro_record(writer) || avro_schema_record_size(writer) != schema->ntop ||
        schema->time_index < 0) {
        pva_errf(err, errlen, "%s: libavro reads a different record layout", name);
        goto out;
    }
    r->iface = avro_generic_class_from_schema(writer);
    if (r->iface == NULL || avro_generic_value_new(r->iface, &r->record) != 0) {
        pva_errf(err, errlen, "%s: %s", name, avro_strerror());
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

/* Whether a memory reader holds another byte (which it then consumed). */
static int byte_left(avro_reader_t block)
{
    char c;

    return avro_read(block, &c, 1) == 0;
}

/* Reads the next record of a header-less file: 1, 0 at its end, or PIVOT_EIO. */
static int read_relay_record(pva_record_reader *r, char *err, size_t errlen)
{
    for (;;) {
        while (r->left == 0) {
            int rc = pva_blocks_next(r->blocks, &r->data, &r->len, &r->left, err, errlen);

            if (rc != 1)
                return rc;
            avro_reader_memory_set_source(r->block, (const char *)r->data, (int64_t)r->len);
        }
        r->left--;
        /* As the compiled decoder: the block's last record must end it (a
         * memory reader does not say where it is, but has no byte left). */
        if (avro_value_read(r->block, &r->record) == 0 && (r->left > 0 || !byte_left(r->block)))
            return 1;
        /* As the compiled decoder does: the block is skipped, and counted. */
        pva_blocks_reject(r->blocks, r->len);
        r->left = 0;
    }
}

const pva_ocf_blocks *pva_reader_blocks(const pva_record_reader *r)
{
    return r->blocks;
}

int pva_reader_next(pva_record_reader *r, int64_t *time_ns, char *err, size_t errlen)
{
    avro_value_t field;
    int64_t t;
    int rc;

    if (r->blocks != NULL) {
        rc = read_relay_record(r, err, errlen);
        if (rc != 1)
            return rc;
    } else {
        rc = avro_file_reader_read_value(r->file, &r->record);
        if (rc == EOF)
            return 0;
        if (rc != 0) {
            pva_errf(err, errlen, "%s: damaged data: %s", r->name, avro_strerror());
            return PIVOT_EIO;
        }
    }
    /* time is a field of the top record: one step down its path. */
    if (avro_value_get_by_index(&r->record, r->schema->fields[r->schema->time_index].path[0],
                                &field, NULL) != 0 ||
        avro_value_get_long(&field, &t) != 0) {
        pva_errf(err, errlen, "%s: cannot read time: %s", r->name, avro_strerror());
        return PIVOT_EIO;
    }
    *time_ns = pva_time_to_ns(t, r->ns_per_unit);
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
    pva_errf(err, errlen, "%s: cannot read field %s: %s", r->name, f->name, avro_strerror());
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
    if (r->block != NULL)
        avro_reader_free(r->block);
    pva_blocks_close(r->blocks);
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
