/*
 * Record schema parsing with yajl. libavro parses the same text for
 * decoding, but drops what the source needs: logical types, which Avro
 * allows on the type ({"type":"long","logicalType":...}) and which the relay
 * writes as a field attribute ({"name":"time","type":"long",
 * "logicalType":...}), and the doc and units of each field. Nested records
 * are flattened into dotted field names, whose values come one after the
 * other in the encoding just as the fields of the top record do.
 */
#include "record_schema.h"
#include "ocf_header.h"

#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

/* Records nested deeper than this are not flattened (a guard against hostile schemas). */
#define MAX_RECORD_DEPTH 32

/* The text of pva_field.reason for each way a field can be unsupported: the
 * why only, as the server adds what to do. */
#define OTHERS_EXPORT "."
static const char reason_array[] = "Avro arrays hold a varying number of values in each record, "
                                   "which no signal type can hold" OTHERS_EXPORT;
static const char reason_map[] = "Avro maps hold a varying set of keys in each record, which no "
                                 "signal type can hold" OTHERS_EXPORT;
static const char reason_union[] = "A union of several non-null types has no single signal type "
                                   "(only \"null\" with one other type makes a nullable "
                                   "signal)" OTHERS_EXPORT;
static const char reason_nullable_record[] = "A nullable record cannot be flattened into signals, "
                                             "since its fields have no values when it is "
                                             "null" OTHERS_EXPORT;
static const char reason_null[] = "A field of type null never holds a value" OTHERS_EXPORT;
static const char reason_record[] =
    "A record that contains itself, or that is nested more than "
    "32 levels deep, cannot be flattened into signals" OTHERS_EXPORT;
static const char reason_undefined[] = "The schema does not define this type validly, so the "
                                       "records that hold it cannot be decoded.";

/* State of one parse. */
typedef struct parse_ctx {
    pva_schema *out;
    pva_type_names names;
    size_t cap;                         /* fields allocated */
    size_t path[MAX_RECORD_DEPTH + 1];  /* field index at each level of the current field */
    yajl_val records[MAX_RECORD_DEPTH]; /* the records being flattened, outermost first */
    char *err;
    size_t errlen;
} parse_ctx;

/* Nanoseconds per unit of a timestamp logical type; 0 without one. */
static int64_t time_unit(yajl_val field, yajl_val type)
{
    const char *logical = pva_json_string(type, "logicalType");

    if (logical == NULL)
        logical = pva_json_string(field, "logicalType");
    if (logical == NULL)
        return 0;
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

/* Copies an enum's symbols. Returns 1, 0 when they are not a list of strings, or ENOMEM. */
static int copy_symbols(yajl_val def, pva_field *f)
{
    yajl_val list = pva_json_member(def, "symbols");

    if (!YAJL_IS_ARRAY(list))
        return 0;
    for (size_t i = 0; i < list->u.array.len; i++) {
        if (!YAJL_IS_STRING(list->u.array.values[i]))
            return 0;
    }
    f->symbols = calloc(list->u.array.len ? list->u.array.len : 1, sizeof(*f->symbols));
    if (f->symbols == NULL)
        return PIVOT_ENOMEM;
    for (size_t i = 0; i < list->u.array.len; i++) {
        f->symbols[i] = strdup(list->u.array.values[i]->u.string);
        if (f->symbols[i] == NULL)
            return PIVOT_ENOMEM;
        f->nsymbols++;
    }
    return 1;
}

/* Maps a value type that is not a union. Returns 1 when it maps, 0, or PIVOT_ENOMEM. */
static int map_value(const pva_resolved *r, pva_field *f)
{
    static const pivot_type types[] = {
        [PVA_AVRO_BOOLEAN] = PIVOT_TYPE_BOOL,   [PVA_AVRO_INT] = PIVOT_TYPE_INT32,
        [PVA_AVRO_LONG] = PIVOT_TYPE_INT64,     [PVA_AVRO_FLOAT] = PIVOT_TYPE_FLOAT32,
        [PVA_AVRO_DOUBLE] = PIVOT_TYPE_FLOAT64, [PVA_AVRO_BYTES] = PIVOT_TYPE_BYTES,
        [PVA_AVRO_STRING] = PIVOT_TYPE_STRING,  [PVA_AVRO_ENUM] = PIVOT_TYPE_ENUM,
        [PVA_AVRO_FIXED] = PIVOT_TYPE_BYTES,
    };
    yajl_val size;
    int rc;

    switch (r->kind) {
    case PVA_AVRO_BOOLEAN:
    case PVA_AVRO_INT:
    case PVA_AVRO_LONG:
    case PVA_AVRO_FLOAT:
    case PVA_AVRO_DOUBLE:
    case PVA_AVRO_BYTES:
    case PVA_AVRO_STRING:
        break;
    case PVA_AVRO_FIXED:
        size = pva_json_member(r->node, "size");
        if (!YAJL_IS_INTEGER(size) || YAJL_GET_INTEGER(size) < 0)
            return 0;
        f->fixed_size = (size_t)YAJL_GET_INTEGER(size);
        break;
    case PVA_AVRO_ENUM:
        rc = copy_symbols(r->node, f);
        if (rc != 1)
            return rc;
        break;
    default:
        return 0;
    }
    f->kind = r->kind;
    f->type = types[r->kind];
    f->supported = 1;
    return 1;
}

/*
 * A union of "null" and one supported type (either order) maps to that
 * type, nullable: batches carry a validity mask, and a null sample holds
 * the type's fill (NaN for floats, so that readers ignoring the mask still
 * see a missing value). Otherwise sets *why. Returns 1, 0 or PIVOT_ENOMEM.
 */
static int map_union(parse_ctx *c, const pva_resolved *u, pva_field *f, const char **why)
{
    yajl_val *branch = u->node->u.array.values;
    pva_resolved r[2];
    int rc;

    *why = reason_union;
    if (u->node->u.array.len != 2)
        return 0;
    for (int i = 0; i < 2; i++) {
        rc = pva_type_resolve(&c->names, branch[i], u->ns, &r[i]);
        if (rc != 0)
            return rc;
    }
    for (int null_at = 0; null_at < 2; null_at++) {
        const pva_resolved *other = &r[1 - null_at];

        if (r[null_at].kind != PVA_AVRO_NULL)
            continue;
        rc = map_value(other, f);
        if (rc != 0) {
            f->nullable = rc == 1;
            f->null_branch = null_at;
            return rc;
        }
        if (other->kind == PVA_AVRO_RECORD)
            *why = reason_nullable_record;
        else if (other->kind == PVA_AVRO_ARRAY)
            *why = reason_array;
        else if (other->kind == PVA_AVRO_MAP)
            *why = reason_map;
        return 0;
    }
    return 0;
}

/* Why a field of this (non-union) type is not a signal. */
static const char *reason_for(pva_avro_kind kind)
{
    switch (kind) {
    case PVA_AVRO_ARRAY:
        return reason_array;
    case PVA_AVRO_MAP:
        return reason_map;
    case PVA_AVRO_NULL:
        return reason_null;
    case PVA_AVRO_RECORD:
        return reason_record;
    default:
        return reason_undefined;
    }
}

/* The field's units: a "units" (or "unit") string on the field, else on its type. */
static const char *units_of(yajl_val field, yajl_val type)
{
    const char *u = pva_json_string(field, "units");

    if (u == NULL)
        u = pva_json_string(field, "unit");
    if (u == NULL)
        u = pva_json_string(type, "units");
    if (u == NULL)
        u = pva_json_string(type, "unit");
    return u;
}

static int dup_or_null(const char *s, char **out)
{
    *out = NULL;
    if (s == NULL)
        return 0;
    *out = strdup(s);
    return *out == NULL ? PIVOT_ENOMEM : 0;
}

/* Appends a field of a type other than a record to flatten; `name` passes to it. */
static int add_field(parse_ctx *c, yajl_val field, const pva_resolved *r, const char *ns,
                     char *name, size_t depth)
{
    yajl_val type = pva_json_member(field, "type");
    pva_schema *s = c->out;
    const char *why = NULL;
    pva_field *f;
    size_t node;
    int rc;

    if (s->nfields == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 16;
        pva_field *grown = realloc(s->fields, ncap * sizeof(*grown));
        if (grown == NULL) {
            free(name);
            return PIVOT_ENOMEM;
        }
        s->fields = grown;
        c->cap = ncap;
    }
    f = &s->fields[s->nfields++];
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->depth = depth;
    f->skip_type = -1;
    f->path = malloc(depth * sizeof(*f->path));
    if (f->path == NULL)
        return PIVOT_ENOMEM;
    memcpy(f->path, c->path, depth * sizeof(*f->path));
    rc = dup_or_null(pva_json_string(field, "doc"), &f->doc);
    if (rc == 0)
        rc = dup_or_null(units_of(field, type), &f->units);
    if (rc != 0)
        return rc;
    rc = r->kind == PVA_AVRO_UNION ? map_union(c, r, f, &why) : map_value(r, f);
    if (rc < 0)
        return rc;
    if (!f->supported) {
        f->reason = why != NULL ? why : reason_for(r->kind);
        /* Built before the compact name, which then sees every definition inside it. */
        rc = pva_type_build(&c->names, &s->types, type, ns, &node);
        if (rc == PIVOT_ENOMEM)
            return rc;
        if (rc == 0)
            f->skip_type = (long)node;
        else
            f->reason = reason_undefined;
    }
    f->source_type = pva_type_compact(&c->names, type, ns);
    if (f->source_type == NULL)
        return PIVOT_ENOMEM;
    if (depth == 1 && strcmp(name, "time") == 0 && f->supported && f->type == PIVOT_TYPE_INT64 &&
        !f->nullable) {
        s->time_index = (long)(s->nfields - 1);
        s->time_ns_per_unit = time_unit(field, type);
        s->time_unit_logical = s->time_ns_per_unit != 0;
        if (s->time_ns_per_unit == 0)
            s->time_ns_per_unit = 1;
    }
    return 0;
}

/* Whether a record can be flattened as level `depth`: not too deep, not one being flattened. */
static int can_flatten(const parse_ctx *c, const pva_resolved *r, size_t depth)
{
    if (r->kind != PVA_AVRO_RECORD || !YAJL_IS_ARRAY(pva_json_member(r->node, "fields")) ||
        depth >= MAX_RECORD_DEPTH)
        return 0;
    for (size_t i = 0; i < depth; i++) {
        if (c->records[i] == r->node)
            return 0;
    }
    return 1;
}

/* Adds the fields of `record` (whose fields are at level `depth`), nested records flattened. */
static int walk_record(parse_ctx *c, yajl_val record, const char *ns, const char *prefix,
                       size_t depth)
{
    yajl_val fields = pva_json_member(record, "fields");

    c->records[depth] = record;
    for (size_t i = 0; i < fields->u.array.len; i++) {
        yajl_val field = fields->u.array.values[i];
        const char *name = pva_json_string(field, "name");
        pva_resolved r;
        char *full;
        int rc;

        if (name == NULL) {
            pva_errf(c->err, c->errlen, "schema field %zu%s%s has no name", i,
                     prefix != NULL ? " of " : "", prefix != NULL ? prefix : "");
            return PIVOT_EIO;
        }
        full = pva_join_dotted(prefix, name);
        if (full == NULL)
            return PIVOT_ENOMEM;
        c->path[depth] = i;
        rc = pva_type_resolve(&c->names, pva_json_member(field, "type"), ns, &r);
        if (rc == 0 && can_flatten(c, &r, depth + 1)) {
            rc = walk_record(c, r.node, r.ns, full, depth + 1);
            free(full);
        } else if (rc == 0) {
            rc = add_field(c, field, &r, ns, full, depth + 1);
        } else {
            free(full);
        }
        if (rc != 0)
            return rc;
    }
    return 0;
}

int pva_schema_parse(char *text, pva_schema *out, char *err, size_t errlen)
{
    char yerr[256] = "";
    parse_ctx c = {0};
    yajl_val root = NULL;
    pva_resolved top;
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
    c.out = out;
    c.err = err;
    c.errlen = errlen;
    /* Resolved first so that its name is known to the fields that refer to it. */
    rc = pva_type_resolve(&c.names, root, NULL, &top);
    if (rc != 0 || !YAJL_IS_ARRAY(pva_json_member(root, "fields")))
        goto out; /* not a record: no fields, hence no time */
    out->ntop = pva_json_member(root, "fields")->u.array.len;
    rc = walk_record(&c, root, top.ns, NULL, 0);
out:
    pva_type_names_free(&c.names);
    yajl_tree_free(root);
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory parsing a schema");
    if (rc != 0)
        pva_schema_clear(out);
    return rc;
}

int pva_schema_load(const char *path, pva_schema *out, char *err, size_t errlen)
{
    char *text = NULL, *codec = NULL;
    char msg[PIVOT_ERRMSG_SIZE];
    int rc;

    memset(out, 0, sizeof(*out));
    rc = pva_ocf_read_schema(path, &text, &codec, err, errlen);
    if (rc != 0)
        return rc;
    rc = pva_schema_parse(text, out, msg, sizeof(msg));
    if (rc != 0) {
        pva_errf(err, errlen, "%s: %s", path, msg);
        free(codec);
        return rc;
    }
    out->codec = codec;
    return 0;
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
    for (size_t i = 0; i < schema->nfields; i++) {
        pva_field *f = &schema->fields[i];

        for (size_t k = 0; k < f->nsymbols; k++)
            free(f->symbols[k]);
        free(f->symbols);
        free(f->name);
        free(f->path);
        free(f->units);
        free(f->doc);
        free(f->source_type);
    }
    free(schema->fields);
    pva_type_graph_free(&schema->types);
    free(schema->codec);
    free(schema->text);
    memset(schema, 0, sizeof(*schema));
    schema->time_index = -1;
}
