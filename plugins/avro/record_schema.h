/*
 * What the source needs from a file's record schema: the fields in order
 * (nested records flattened), which of them map to a pivot_type and with
 * which details, and where and in which unit time is.
 */
#ifndef PVA_RECORD_SCHEMA_H
#define PVA_RECORD_SCHEMA_H

#include "avro_source.h"
#include "schema_types.h"

/**
 * One field of the record as the source offers it, in encoding order: a
 * field of the top record, or a field of a nested record flattened into a
 * dotted name ("pos.x"). Nested records themselves are not fields; their
 * fields are.
 */
typedef struct pva_field {
    char *name;         /**< field names from the top record down, joined with '.', malloc'd */
    size_t *path;       /**< the field index at each level, depth entries, malloc'd */
    size_t depth;       /**< 1 for a field of the top record */
    int supported;      /**< 1 when the Avro type maps to a pivot_type */
    pivot_type type;    /**< the mapped type, when supported */
    pva_avro_kind kind; /**< the Avro type of a value (the non-null branch, when nullable) */
    int nullable;       /**< 1 for a union of "null" and one supported type (either order) */
    int null_branch;    /**< index of "null" in that union, when nullable */
    size_t fixed_size;  /**< fixed: its size */
    size_t nsymbols;    /**< enum: number of symbols */
    char **symbols;     /**< enum: the symbols in index order, malloc'd */
    char *units;        /**< the field's "units" (or "unit") attribute, or NULL; malloc'd */
    char *doc;          /**< the field's "doc", or NULL; malloc'd */
    char *source_type;  /**< the Avro type written compactly ("union(null,int)"), malloc'd */
    const char *reason; /**< unsupported: why, one sentence (static text) */
    long skip_type;     /**< unsupported: its node in the schema's skip graph, or -1 */
} pva_field;

/** A scan's field index for a requested signal the file's schema lacks. */
#define PVA_FIELD_ABSENT ((size_t)-1)

/** A parsed record schema. */
typedef struct pva_schema {
    char *text;               /**< the schema JSON as stored in the file, malloc'd */
    char *codec;              /**< the file's avro.codec (pva_schema_load), or NULL; malloc'd */
    pva_field *fields;        /**< nfields fields, nested ones flattened, in encoding order */
    size_t nfields;           /**< number of fields, time included */
    size_t ntop;              /**< number of fields of the top record */
    long time_index;          /**< index of the `time` long field, or -1 when there is none */
    int64_t time_ns_per_unit; /**< 1 (nanoseconds), 1000 (micros) or 1000000 (millis) */
    int time_unit_logical;    /**< 1 when a logical type gave time_ns_per_unit */
    pva_type_graph types;     /**< the types of the unsupported fields, for skipping them */
} pva_schema;

/**
 * Parses `text`, whose ownership passes to *out (on failure it is freed and
 * *out left empty). Returns 0, or
 * PIVOT_EIO when the text is not JSON, PIVOT_ENOMEM. A record without a
 * usable time field parses fine, with time_index -1.
 */
int pva_schema_parse(char *text, pva_schema *out, char *err, size_t errlen);

/**
 * Reads and parses the schema in the header of the file at `path`, and
 * notes the file's codec; as pva_schema_parse.
 */
int pva_schema_load(const char *path, pva_schema *out, char *err, size_t errlen);

/** Index of the field called `name`, or -1. */
long pva_schema_find(const pva_schema *schema, const char *name);

/** Releases what a schema owns; a zeroed schema is accepted. */
void pva_schema_clear(pva_schema *schema);

#endif
