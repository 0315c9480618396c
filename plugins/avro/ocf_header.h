/*
 * The header of an Avro object container file. libavro parses the schema
 * but drops attributes it does not model (logicalType among them), so the
 * source reads the schema text itself.
 */
#ifndef PVA_OCF_HEADER_H
#define PVA_OCF_HEADER_H

#include <stddef.h>

/**
 * Reads the "avro.schema" metadata of the file at `path`. Returns 0 and a
 * malloc'd NUL-terminated copy in *schema_text (the caller frees it), or
 * PIVOT_EIO with a message naming the file when the header is unreadable.
 */
int pva_ocf_read_schema(const char *path, char **schema_text, char *err, size_t errlen);

#endif
