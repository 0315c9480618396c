/*
 * Avro types as the schema parse sees them: named types resolved to their
 * definitions, a compact name for each type ("union(null,int)"), and a
 * graph of the types no signal reads, which the compiled decoder walks to
 * skip their values.
 */
#ifndef PVA_SCHEMA_TYPES_H
#define PVA_SCHEMA_TYPES_H

#include "avro_source.h"

#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

/** The Avro types the source tells apart. */
typedef enum pva_avro_kind {
    PVA_AVRO_UNKNOWN = 0, /**< a name no earlier definition gives, or not a type at all */
    PVA_AVRO_NULL,
    PVA_AVRO_BOOLEAN,
    PVA_AVRO_INT,
    PVA_AVRO_LONG,
    PVA_AVRO_FLOAT,
    PVA_AVRO_DOUBLE,
    PVA_AVRO_BYTES,
    PVA_AVRO_STRING,
    PVA_AVRO_RECORD,
    PVA_AVRO_ENUM,
    PVA_AVRO_ARRAY,
    PVA_AVRO_MAP,
    PVA_AVRO_UNION,
    PVA_AVRO_FIXED
} pva_avro_kind;

/** A node of the skip graph. */
typedef struct pva_avro_type {
    pva_avro_kind kind;
    int zero_size;    /**< 1 when every value encodes to no bytes (null, fixed(0), such records) */
    size_t size;      /**< fixed: its size */
    size_t nchildren; /**< record: fields; union: branches; array, map: 1 (items, values) */
    size_t *children; /**< node indexes, nchildren of them */
} pva_avro_type;

/** The types of a schema that the decoder skips; nodes refer to each other by index. */
typedef struct pva_type_graph {
    pva_avro_type *nodes;
    size_t count, cap;
    int broken; /**< a build failed: some nodes may be unfinished, the graph is not to be walked */
} pva_type_graph;

/** A named type (record, enum, fixed) met while parsing. */
typedef struct pva_named_type {
    char *fullname; /**< namespace-qualified name */
    char *ns;       /**< namespace for the names used inside the definition, or NULL */
    yajl_val def;   /**< the definition, borrowed from the parsed JSON */
    long node;      /**< its skip graph node once built, else -1 */
} pva_named_type;

/**
 * The named types of one schema, in the order they are defined. Avro
 * requires a definition before any use of its name, and the parse meets
 * types in document order, so a lookup only ever needs what came before.
 */
typedef struct pva_type_names {
    pva_named_type *items;
    size_t count, cap;
} pva_type_names;

/** A type with named references followed to their definition. */
typedef struct pva_resolved {
    pva_avro_kind kind;
    yajl_val node;  /**< the definition or type object (a string for bare primitives) */
    const char *ns; /**< namespace that applies inside it; NULL for none */
} pva_resolved;

/** Nesting beyond which a type is not followed (recursion guard on hostile schemas). */
#define PVA_TYPE_MAX_DEPTH 64

/** The member `key` of a JSON object, or NULL. */
yajl_val pva_json_member(yajl_val obj, const char *key);

/** The string member `key` of a JSON object, or NULL. */
const char *pva_json_string(yajl_val obj, const char *key);

/**
 * "prefix.name", or a copy of name when prefix is NULL or empty, malloc'd;
 * NULL when out of memory. Full names of named types (namespace.name) and
 * flattened nested fields (record.field) alike.
 */
char *pva_join_dotted(const char *prefix, const char *name);

/**
 * Resolves `type` as written in a schema whose enclosing namespace is `ns`,
 * registering every named definition it meets. Returns 0 (out->kind is
 * PVA_AVRO_UNKNOWN when the type names nothing known) or PIVOT_ENOMEM.
 */
int pva_type_resolve(pva_type_names *names, yajl_val type, const char *ns, pva_resolved *out);

/**
 * The compact name of a type: the primitive's name, "enum", "record",
 * "array", "map", "fixed(N)", "union(a,b,...)" with its branches named the
 * same way, or the unresolved name itself. Returns a malloc'd string, or
 * NULL when out of memory.
 */
char *pva_type_compact(pva_type_names *names, yajl_val type, const char *ns);

/**
 * Adds `type` and everything it contains to the skip graph, named types
 * once each (so recursive types work). Returns 0 with its node in *node,
 * PIVOT_ENOTSUP when a part of it is unknown or too deeply nested, or
 * PIVOT_ENOMEM; after a failure the graph is marked broken.
 */
int pva_type_build(pva_type_names *names, pva_type_graph *graph, yajl_val type, const char *ns,
                   size_t *node);

/** Releases the table; a zeroed one is accepted. */
void pva_type_names_free(pva_type_names *names);

/** Releases the graph; a zeroed one is accepted. */
void pva_type_graph_free(pva_type_graph *graph);

#endif
