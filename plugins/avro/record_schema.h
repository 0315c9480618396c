/*
 * What the source needs from a file's record schema: the fields in order,
 * which of them map to a pivot_type, and where and in which unit time is.
 */
#ifndef PVA_RECORD_SCHEMA_H
#define PVA_RECORD_SCHEMA_H

#include "avro_source.h"
#include "file_list.h"

/** One field of the record, in schema order. */
typedef struct pva_field {
    char *name;      /**< field name, malloc'd */
    int supported;   /**< 1 when the Avro type maps to a pivot_type */
    pivot_type type; /**< the mapped type, when supported */
    int nullable;    /**< 1 for a union ["null", float|double] (either order): null reads as NaN */
    int null_branch; /**< index of "null" in that union, when nullable */
} pva_field;

/** A scan's field index for a requested signal the file's schema lacks. */
#define PVA_FIELD_ABSENT ((size_t)-1)

/** A parsed record schema. */
typedef struct pva_schema {
    char *text;               /**< the schema JSON as stored in the file, malloc'd */
    pva_field *fields;        /**< nfields fields */
    size_t nfields;           /**< number of record fields, time included */
    long time_index;          /**< index of the `time` long field, or -1 when there is none */
    int64_t time_ns_per_unit; /**< 1 (nanoseconds), 1000 (micros) or 1000000 (millis) */
} pva_schema;

/**
 * Parses `text`, whose ownership passes to *out (on failure it is freed and
 * *out left empty). Returns 0, or
 * PIVOT_EIO when the text is not JSON, PIVOT_ENOMEM. A record without a
 * usable time field parses fine, with time_index -1.
 */
int pva_schema_parse(char *text, pva_schema *out, char *err, size_t errlen);

/** Reads and parses the schema in the header of the file at `path`; as pva_schema_parse. */
int pva_schema_load(const char *path, pva_schema *out, char *err, size_t errlen);

/**
 * Loads the schema of the newest readable file of `files` (in read order);
 * damaged files are passed over with a warning. Returns 0, PIVOT_ENOMEM, or
 * PIVOT_EIO when no file is readable.
 */
int pva_schema_load_newest(const pva_file_list *files, pva_schema *out, char *err, size_t errlen);

/** Index of the field called `name`, or -1. */
long pva_schema_find(const pva_schema *schema, const char *name);

/** Releases what a schema owns; a zeroed schema is accepted. */
void pva_schema_clear(pva_schema *schema);

#endif
