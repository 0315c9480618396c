/*
 * Record schema parsing with yajl. libavro parses the same text for
 * decoding; this pass only recovers what libavro drops: logical types, which
 * Avro allows on the type ({"type":"long","logicalType":...}) and which the
 * relay writes as a field attribute ({"name":"time","type":"long",
 * "logicalType":...}).
 */
#include "record_schema.h"
#include "ocf_header.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

static yajl_val member(yajl_val obj, const char *key)
{
    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (size_t i = 0; i < obj->u.object.len; i++) {
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    }
    return NULL;
}

static const char *member_string(yajl_val obj, const char *key)
{
    yajl_val v = member(obj, key);
    return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

/* The primitive type name of a field type, written bare or as {"type": name}. */
static const char *primitive_name(yajl_val type)
{
    if (YAJL_IS_STRING(type))
        return YAJL_GET_STRING(type);
    return member_string(type, "type");
}

static int map_type(const char *avro_name, pivot_type *out)
{
    static const struct {
        const char *avro;
        pivot_type type;
    } map[] = {
        {"int", PIVOT_TYPE_INT32},      {"long", PIVOT_TYPE_INT64},   {"float", PIVOT_TYPE_FLOAT32},
        {"double", PIVOT_TYPE_FLOAT64}, {"boolean", PIVOT_TYPE_BOOL}, {"string", PIVOT_TYPE_STRING},
    };

    if (avro_name == NULL)
        return 0;
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (strcmp(map[i].avro, avro_name) == 0) {
            *out = map[i].type;
            return 1;
        }
    }
    return 0;
}

/* Nanoseconds per unit of a timestamp logical type; no logical type means nanoseconds. */
static int64_t time_unit(yajl_val field, yajl_val type)
{
    const char *logical = member_string(type, "logicalType");

    if (logical == NULL)
        logical = member_string(field, "logicalType");
    if (logical == NULL)
        return 1;
    /* local-timestamp-* have the same units; the cache holds UTC either way. */
    if (strncmp(logical, "local-", 6) == 0)
        logical += 6;
    if (strcmp(logical, "timestamp-millis") == 0)
        return 1000000;
    if (strcmp(logical, "timestamp-micros") == 0)
        return 1000;
    if (strcmp(logical, "timestamp-nanos") != 0)
        pva_log(PIVOT_LOG_DEBUG, "time has logical type \"%s\"; reading it as nanoseconds",
                logical);
    return 1;
}

/* A union of "null" and float or double maps to that float type, with null
 * read as NaN: HDF5 and every analysis tool already treat NaN as missing.
 * Nullable integers, booleans and strings have no such value and stay
 * unsupported. */
static int map_nullable(yajl_val type, pva_field *f)
{
    yajl_val *branch;

    if (!YAJL_IS_ARRAY(type) || type->u.array.len != 2)
        return 0;
    branch = type->u.array.values;
    for (int null_at = 0; null_at < 2; null_at++) {
        const char *other = primitive_name(branch[1 - null_at]);

        const char *name = primitive_name(branch[null_at]);

        if (name == NULL || strcmp(name, "null") != 0)
            continue;
        if (other == NULL || (strcmp(other, "float") != 0 && strcmp(other, "double") != 0))
            return 0;
        map_type(other, &f->type);
        f->nullable = 1;
        f->null_branch = null_at;
        return 1;
    }
    return 0;
}

int pva_schema_parse(char *text, pva_schema *out, char *err, size_t errlen)
{
    char yerr[256] = "";
    yajl_val root = NULL, fields;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->text = text;
    out->time_index = -1;
    out->time_ns_per_unit = 1;
    root = yajl_tree_parse(text, yerr, sizeof(yerr));
    if (root == NULL) {
        pva_errf(err, errlen, "schema is not valid JSON: %s", yerr);
        pva_schema_clear(out);
        return PIVOT_EIO;
    }
    fields = member(root, "fields");
    if (!YAJL_IS_ARRAY(fields))
        goto out; /* not a record: no fields, hence no time */
    out->fields = calloc(fields->u.array.len ? fields->u.array.len : 1, sizeof(*out->fields));
    if (out->fields == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < fields->u.array.len; i++) {
        yajl_val field = fields->u.array.values[i];
        yajl_val type = member(field, "type");
        const char *name = member_string(field, "name");
        pva_field *f = &out->fields[out->nfields];

        if (name == NULL) {
            pva_errf(err, errlen, "schema field %zu has no name", i);
            rc = PIVOT_EIO;
            goto out;
        }
        f->name = strdup(name);
        if (f->name == NULL) {
            rc = PIVOT_ENOMEM;
            goto out;
        }
        out->nfields++;
        f->supported = map_type(primitive_name(type), &f->type) || map_nullable(type, f);
        if (strcmp(name, "time") == 0 && f->supported && f->type == PIVOT_TYPE_INT64) {
            out->time_index = (long)i;
            out->time_ns_per_unit = time_unit(field, type);
        }
    }
out:
    yajl_tree_free(root);
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory parsing a schema");
    if (rc != 0)
        pva_schema_clear(out);
    return rc;
}

int pva_schema_load(const char *path, pva_schema *out, char *err, size_t errlen)
{
    char *text = NULL;
    char msg[PIVOT_ERRMSG_SIZE];
    int rc;

    memset(out, 0, sizeof(*out));
    rc = pva_ocf_read_schema(path, &text, err, errlen);
    if (rc != 0)
        return rc;
    rc = pva_schema_parse(text, out, msg, sizeof(msg));
    if (rc != 0)
        pva_errf(err, errlen, "%s: %s", path, msg);
    return rc;
}

int pva_schema_load_newest(const pva_file_list *files, pva_schema *out, char *err, size_t errlen)
{
    char msg[PIVOT_ERRMSG_SIZE];

    for (size_t i = files->count; i-- > 0;) {
        int rc = pva_schema_load(files->files[i].path, out, msg, sizeof(msg));
        if (rc == 0)
            return 0;
        if (rc == PIVOT_ENOMEM)
            return rc;
        pva_log(PIVOT_LOG_WARNING, "%s", msg);
    }
    pva_errf(err, errlen, "no readable Avro file");
    return PIVOT_EIO;
}

long pva_schema_find(const pva_schema *schema, const char *name)
{
    for (size_t i = 0; i < schema->nfields; i++) {
        if (strcmp(schema->fields[i].name, name) == 0)
            return (long)i;
    }
    return -1;
}

void pva_schema_clear(pva_schema *schema)
{
    for (size_t i = 0; i < schema->nfields; i++)
        free(schema->fields[i].name);
    free(schema->fields);
    free(schema->text);
    memset(schema, 0, sizeof(*schema));
    schema->time_index = -1;
}
