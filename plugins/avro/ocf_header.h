/*
 * The header of an Avro object container file. libavro parses the schema
 * but drops attributes it does not model (logicalType among them), so the
 * source reads the schema text itself.
 */
#ifndef PVA_OCF_HEADER_H
#define PVA_OCF_HEADER_H

#include <stddef.h>

/**
 * Reads the "avro.schema" metadata of the file at `path`, and its
 * "avro.codec" when `codec` is not NULL. Returns 0 and malloc'd
 * NUL-terminated copies in *schema_text and *codec (NULL when the header
 * names no codec, which means "null"; the caller frees both), or PIVOT_EIO
 * with a message naming the file when the header is unreadable.
 */
int pva_ocf_read_schema(const char *path, char **schema_text, char **codec, char *err,
                        size_t errlen);

#endif
