/*
 * Minimal reader of an object container file header: the magic "Obj\1",
 * then the metadata map<string, bytes> in Avro binary encoding (blocks of
 * entries, a negative count followed by the block's byte size, a zero count
 * ending the map). The sync marker and data blocks are left to libavro.
 */
#include "ocf_header.h"
#include "avro_source.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bounds that keep a damaged header from causing a huge allocation. */
#define MAX_KEY_LEN 4096
#define MAX_VALUE_LEN (64 * 1024 * 1024)

/* Reads one zig-zag varint long; returns 0 or -1 on a short or malformed read. */
static int read_long(FILE *fp, int64_t *out)
{
    uint64_t v = 0;
    int shift = 0;
    int c;

    do {
        c = getc(fp);
        if (c == EOF || shift >= 64)
            return -1;
        v |= (uint64_t)(c & 0x7f) << shift;
        shift += 7;
    } while (c & 0x80);
    *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    return 0;
}

/* Reads a length-prefixed byte string into a malloc'd, NUL-terminated buffer. */
static int read_bytes(FILE *fp, int64_t max, char **out)
{
    int64_t len;
    char *buf;

    *out = NULL;
    if (read_long(fp, &len) != 0 || len < 0 || len > max)
        return -1;
    buf = malloc((size_t)len + 1);
    if (buf == NULL)
        return -1;
    if (len > 0 && fread(buf, 1, (size_t)len, fp) != (size_t)len) {
        free(buf);
        return -1;
    }
    buf[len] = '\0';
    *out = buf;
    return 0;
}

int pva_ocf_read_schema(const char *path, char **schema_text, char **codec, char *err,
                        size_t errlen)
{
    static const char magic[4] = {'O', 'b', 'j', 1};
    char head[4];
    char *key = NULL, *value = NULL;
    char *schema = NULL, *codec_name = NULL;
    int64_t count, block_size;
    FILE *fp;
    int rc = PIVOT_EIO;

    *schema_text = NULL;
    if (codec != NULL)
        *codec = NULL;
    fp = fopen(path, "rb");
    if (fp == NULL) {
        pva_errf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return PIVOT_EIO;
    }
    if (fread(head, 1, sizeof(head), fp) != sizeof(head) || memcmp(head, magic, 4) != 0) {
        pva_errf(err, errlen, "%s is not an Avro object container file", path);
        goto out;
    }
    for (;;) {
        if (read_long(fp, &count) != 0)
            goto damaged;
        if (count == 0)
            break;
        if (count < 0) {
            count = count == INT64_MIN ? INT64_MAX : -count;
            if (read_long(fp, &block_size) != 0)
                goto damaged;
        }
        for (int64_t i = 0; i < count; i++) {
            if (read_bytes(fp, MAX_KEY_LEN, &key) != 0 ||
                read_bytes(fp, MAX_VALUE_LEN, &value) != 0)
                goto damaged;
            if (strcmp(key, "avro.schema") == 0) {
                free(schema);
                schema = value;
                value = NULL;
            } else if (strcmp(key, "avro.codec") == 0) {
                free(codec_name);
                codec_name = value;
                value = NULL;
            }
            free(key);
            free(value);
            key = value = NULL;
        }
    }
    if (schema == NULL) {
        pva_errf(err, errlen, "%s: header has no avro.schema", path);
        goto out;
    }
    *schema_text = schema;
    schema = NULL;
    if (codec != NULL) {
        *codec = codec_name;
        codec_name = NULL;
    }
    rc = 0;
    goto out;
damaged:
    pva_errf(err, errlen, "%s: damaged Avro file header", path);
out:
    free(key);
    free(value);
    free(schema);
    free(codec_name);
    fclose(fp);
    return rc;
}
