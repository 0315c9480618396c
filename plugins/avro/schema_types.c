/*
 * Avro types of a schema parsed by yajl. libavro parses the same text for
 * its own reader, but drops the attributes the source needs (doc, units,
 * logicalType), so the source follows the types itself: named references,
 * namespaces, and the shape of the values it has to step over.
 */
#include "schema_types.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

yajl_val pva_json_member(yajl_val obj, const char *key)
{
    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (size_t i = 0; i < obj->u.object.len; i++) {
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    }
    return NULL;
}

const char *pva_json_string(yajl_val obj, const char *key)
{
    yajl_val v = pva_json_member(obj, key);
    return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

static pva_avro_kind kind_of_name(const char *name)
{
    static const struct {
        const char *name;
        pva_avro_kind kind;
    } kinds[] = {
        {"null", PVA_AVRO_NULL},    {"boolean", PVA_AVRO_BOOLEAN}, {"int", PVA_AVRO_INT},
        {"long", PVA_AVRO_LONG},    {"float", PVA_AVRO_FLOAT},     {"double", PVA_AVRO_DOUBLE},
        {"bytes", PVA_AVRO_BYTES},  {"string", PVA_AVRO_STRING},   {"record", PVA_AVRO_RECORD},
        {"error", PVA_AVRO_RECORD}, {"enum", PVA_AVRO_ENUM},       {"array", PVA_AVRO_ARRAY},
        {"map", PVA_AVRO_MAP},      {"fixed", PVA_AVRO_FIXED},
    };

    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        if (strcmp(kinds[i].name, name) == 0)
            return kinds[i].kind;
    }
    return PVA_AVRO_UNKNOWN;
}

static int is_primitive(pva_avro_kind k)
{
    return k >= PVA_AVRO_NULL && k <= PVA_AVRO_STRING;
}

char *pva_join_dotted(const char *ns, const char *name)
{
    size_t nl = ns != NULL ? strlen(ns) : 0, len = strlen(name);
    char *s = malloc(nl + len + 2);

    if (s == NULL)
        return NULL;
    if (nl > 0) {
        memcpy(s, ns, nl);
        s[nl] = '.';
        memcpy(s + nl + 1, name, len + 1);
    } else {
        memcpy(s, name, len + 1);
    }
    return s;
}

static pva_named_type *find_def(pva_type_names *names, yajl_val def)
{
    for (size_t i = 0; i < names->count; i++) {
        if (names->items[i].def == def)
            return &names->items[i];
    }
    return NULL;
}

static pva_named_type *find_name(pva_type_names *names, const char *fullname)
{
    for (size_t i = 0; i < names->count; i++) {
        if (strcmp(names->items[i].fullname, fullname) == 0)
            return &names->items[i];
    }
    return NULL;
}

/*
 * Named types beyond this many are not entered: lookups are linear, and a
 * telemetry schema has a handful. References to them then name nothing.
 */
#define MAX_NAMED_TYPES 4096

/*
 * Registers a named definition once. Its namespace is the dotted prefix of
 * its name, else its "namespace" attribute, else the enclosing one. A
 * definition without a name (invalid, but harmless to read) is not entered.
 */
static int define(pva_type_names *names, yajl_val def, const char *ns, pva_named_type **out)
{
    const char *name = pva_json_string(def, "name");
    const char *own_ns = pva_json_string(def, "namespace");
    const char *dot;
    pva_named_type *t;

    *out = find_def(names, def);
    if (*out != NULL || name == NULL || names->count >= MAX_NAMED_TYPES)
        return 0;
    if (names->count == names->cap) {
        size_t ncap = names->cap ? names->cap * 2 : 8;
        pva_named_type *grown = realloc(names->items, ncap * sizeof(*grown));
        if (grown == NULL)
            return PIVOT_ENOMEM;
        names->items = grown;
        names->cap = ncap;
    }
    t = &names->items[names->count];
    memset(t, 0, sizeof(*t));
    t->def = def;
    t->node = -1;
    dot = strrchr(name, '.');
    if (dot != NULL) {
        t->fullname = strdup(name);
        t->ns = strndup(name, (size_t)(dot - name));
    } else {
        if (own_ns != NULL)
            ns = own_ns;
        if (ns != NULL && ns[0] == '\0')
            ns = NULL;
        t->fullname = pva_join_dotted(ns, name);
        t->ns = ns != NULL ? strdup(ns) : NULL;
    }
    if (t->fullname == NULL || ((dot != NULL || ns != NULL) && t->ns == NULL)) {
        free(t->fullname);
        free(t->ns);
        return PIVOT_ENOMEM;
    }
    names->count++;
    *out = t;
    return 0;
}

/* A reference: full when dotted, else relative to the enclosing namespace, else bare. */
static int lookup(pva_type_names *names, const char *ref, const char *ns, pva_named_type **out)
{
    *out = NULL;
    if (strchr(ref, '.') == NULL && ns != NULL && ns[0] != '\0') {
        char *full = pva_join_dotted(ns, ref);
        if (full == NULL)
            return PIVOT_ENOMEM;
        *out = find_name(names, full);
        free(full);
    }
    if (*out == NULL)
        *out = find_name(names, ref);
    return 0;
}

static int resolve_at(pva_type_names *names, yajl_val type, const char *ns, pva_resolved *out,
                      int depth)
{
    pva_named_type *named = NULL;
    yajl_val inner;
    int rc;

    memset(out, 0, sizeof(*out));
    out->node = type;
    out->ns = ns;
    if (depth > PVA_TYPE_MAX_DEPTH)
        return 0;
    if (YAJL_IS_ARRAY(type)) {
        out->kind = PVA_AVRO_UNION;
        return 0;
    }
    if (YAJL_IS_STRING(type)) {
        const char *name = YAJL_GET_STRING(type);
        pva_avro_kind k = kind_of_name(name);

        if (is_primitive(k)) {
            out->kind = k;
            return 0;
        }
        rc = lookup(names, name, ns, &named);
        if (rc != 0 || named == NULL)
            return rc;
        return resolve_at(names, named->def, named->ns, out, depth + 1);
    }
    inner = pva_json_member(type, "type");
    if (YAJL_IS_STRING(inner)) {
        pva_avro_kind k = kind_of_name(YAJL_GET_STRING(inner));

        switch (k) {
        case PVA_AVRO_RECORD:
        case PVA_AVRO_ENUM:
        case PVA_AVRO_FIXED:
            rc = define(names, type, ns, &named);
            if (rc != 0)
                return rc;
            out->kind = k;
            if (named != NULL)
                out->ns = named->ns;
            return 0;
        case PVA_AVRO_UNKNOWN:
            /* {"type": "SomeName"}: a reference wrapped in an object. */
            return resolve_at(names, inner, ns, out, depth + 1);
        default:
            out->kind = k;
            return 0;
        }
    }
    if (inner != NULL)
        return resolve_at(names, inner, ns, out, depth + 1);
    return 0;
}

int pva_type_resolve(pva_type_names *names, yajl_val type, const char *ns, pva_resolved *out)
{
    return resolve_at(names, type, ns, out, 0);
}

/* A growing string for the compact names. */
typedef struct text {
    char *s;
    size_t len, cap;
    int nomem;
} text;

static void append(text *t, const char *s)
{
    size_t n = strlen(s);

    if (t->nomem)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t ncap = t->cap ? t->cap : 32;
        char *grown;
        while (t->len + n + 1 > ncap)
            ncap *= 2;
        grown = realloc(t->s, ncap);
        if (grown == NULL) {
            t->nomem = 1;
            return;
        }
        t->s = grown;
        t->cap = ncap;
    }
    memcpy(t->s + t->len, s, n + 1);
    t->len += n;
}

static void compact_at(pva_type_names *names, yajl_val type, const char *ns, text *t, int depth)
{
    static const char *const kind_names[] = {
        [PVA_AVRO_NULL] = "null",   [PVA_AVRO_BOOLEAN] = "boolean", [PVA_AVRO_INT] = "int",
        [PVA_AVRO_LONG] = "long",   [PVA_AVRO_FLOAT] = "float",     [PVA_AVRO_DOUBLE] = "double",
        [PVA_AVRO_BYTES] = "bytes", [PVA_AVRO_STRING] = "string",   [PVA_AVRO_RECORD] = "record",
        [PVA_AVRO_ENUM] = "enum",   [PVA_AVRO_ARRAY] = "array",     [PVA_AVRO_MAP] = "map",
        [PVA_AVRO_UNION] = "union", [PVA_AVRO_FIXED] = "fixed",
    };
    pva_resolved r;
    char num[32];

    if (pva_type_resolve(names, type, ns, &r) != 0) {
        t->nomem = 1;
        return;
    }
    switch (r.kind) {
    case PVA_AVRO_UNKNOWN:
        append(t, YAJL_IS_STRING(type) ? YAJL_GET_STRING(type) : "unknown");
        return;
    case PVA_AVRO_FIXED: {
        yajl_val size = pva_json_member(r.node, "size");
        snprintf(num, sizeof(num), "fixed(%lld)",
                 YAJL_IS_INTEGER(size) ? YAJL_GET_INTEGER(size) : 0);
        append(t, num);
        return;
    }
    case PVA_AVRO_UNION:
        append(t, "union(");
        for (size_t i = 0; i < r.node->u.array.len; i++) {
            if (i > 0)
                append(t, ",");
            if (depth < PVA_TYPE_MAX_DEPTH)
                compact_at(names, r.node->u.array.values[i], r.ns, t, depth + 1);
        }
        append(t, ")");
        return;
    default:
        append(t, kind_names[r.kind]);
        return;
    }
}

char *pva_type_compact(pva_type_names *names, yajl_val type, const char *ns)
{
    text t = {0};

    compact_at(names, type, ns, &t, 0);
    if (t.nomem || t.s == NULL) {
        free(t.s);
        return NULL;
    }
    return t.s;
}

static int new_node(pva_type_graph *g, pva_avro_kind kind, size_t nchildren, size_t *index)
{
    pva_avro_type *n;

    if (g->count == g->cap) {
        size_t ncap = g->cap ? g->cap * 2 : 8;
        pva_avro_type *grown = realloc(g->nodes, ncap * sizeof(*grown));
        if (grown == NULL)
            return PIVOT_ENOMEM;
        g->nodes = grown;
        g->cap = ncap;
    }
    n = &g->nodes[g->count];
    memset(n, 0, sizeof(*n));
    n->kind = kind;
    if (nchildren > 0) {
        n->children = calloc(nchildren, sizeof(*n->children));
        if (n->children == NULL)
            return PIVOT_ENOMEM;
        n->nchildren = nchildren;
    }
    *index = g->count++;
    return 0;
}

static int build_at(pva_type_names *names, pva_type_graph *g, yajl_val type, const char *ns,
                    size_t *node, int depth);

/* Builds the children of node `at` from the JSON types `types` (n of them). */
static int build_children(pva_type_names *names, pva_type_graph *g, size_t at, yajl_val *types,
                          size_t n, int is_record, const char *ns, int depth)
{
    int all_zero = 1;

    for (size_t i = 0; i < n; i++) {
        yajl_val type = is_record ? pva_json_member(types[i], "type") : types[i];
        size_t child;
        int rc = build_at(names, g, type, ns, &child, depth + 1);

        if (rc != 0)
            return rc;
        /* The array may have moved while the child was built: index again. */
        g->nodes[at].children[i] = child;
        all_zero &= g->nodes[child].zero_size;
    }
    if (is_record)
        g->nodes[at].zero_size = all_zero;
    return 0;
}

static int build_at(pva_type_names *names, pva_type_graph *g, yajl_val type, const char *ns,
                    size_t *node, int depth)
{
    pva_named_type *named = NULL;
    pva_resolved r;
    yajl_val list = NULL;
    size_t n = 0;
    int rc;

    if (depth > PVA_TYPE_MAX_DEPTH)
        return PIVOT_ENOTSUP;
    rc = pva_type_resolve(names, type, ns, &r);
    if (rc != 0)
        return rc;
    if (r.kind == PVA_AVRO_RECORD || r.kind == PVA_AVRO_ENUM || r.kind == PVA_AVRO_FIXED) {
        named = find_def(names, r.node);
        if (named != NULL && named->node >= 0) {
            *node = (size_t)named->node;
            return 0;
        }
    }
    switch (r.kind) {
    case PVA_AVRO_UNKNOWN:
        return PIVOT_ENOTSUP;
    case PVA_AVRO_RECORD:
        list = pva_json_member(r.node, "fields");
        if (!YAJL_IS_ARRAY(list))
            return PIVOT_ENOTSUP;
        n = list->u.array.len;
        break;
    case PVA_AVRO_UNION:
        n = r.node->u.array.len;
        break;
    case PVA_AVRO_ARRAY:
    case PVA_AVRO_MAP:
        n = 1;
        break;
    default:
        break;
    }
    rc = new_node(g, r.kind, n, node);
    if (rc != 0)
        return rc;
    /* Entered before its children are built, so that they can refer to it. */
    if (named != NULL)
        named->node = (long)*node;
    switch (r.kind) {
    case PVA_AVRO_NULL:
        g->nodes[*node].zero_size = 1;
        return 0;
    case PVA_AVRO_FIXED: {
        yajl_val size = pva_json_member(r.node, "size");
        if (!YAJL_IS_INTEGER(size) || YAJL_GET_INTEGER(size) < 0)
            return PIVOT_ENOTSUP;
        g->nodes[*node].size = (size_t)YAJL_GET_INTEGER(size);
        g->nodes[*node].zero_size = g->nodes[*node].size == 0;
        return 0;
    }
    case PVA_AVRO_RECORD:
        return build_children(names, g, *node, list->u.array.values, n, 1, r.ns, depth);
    case PVA_AVRO_UNION:
        return build_children(names, g, *node, r.node->u.array.values, n, 0, r.ns, depth);
    case PVA_AVRO_ARRAY:
    case PVA_AVRO_MAP: {
        yajl_val inner = pva_json_member(r.node, r.kind == PVA_AVRO_ARRAY ? "items" : "values");
        if (inner == NULL)
            return PIVOT_ENOTSUP;
        return build_children(names, g, *node, &inner, 1, 0, r.ns, depth);
    }
    default:
        return 0;
    }
}

int pva_type_build(pva_type_names *names, pva_type_graph *graph, yajl_val type, const char *ns,
                   size_t *node)
{
    int rc = build_at(names, graph, type, ns, node, 0);

    /* Named nodes built before the failure may point at its unfinished parts. */
    if (rc != 0)
        graph->broken = 1;
    return rc;
}

void pva_type_names_free(pva_type_names *names)
{
    for (size_t i = 0; i < names->count; i++) {
        free(names->items[i].fullname);
        free(names->items[i].ns);
    }
    free(names->items);
    memset(names, 0, sizeof(*names));
}

void pva_type_graph_free(pva_type_graph *graph)
{
    for (size_t i = 0; i < graph->count; i++)
        free(graph->nodes[i].children);
    free(graph->nodes);
    memset(graph, 0, sizeof(*graph));
}
