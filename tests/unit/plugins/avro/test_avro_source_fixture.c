/* Fixture writers for the avro source tests; see test_avro_source_fixture.h. */
#include "test_avro_source_fixture.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void fx_remove_tree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void fx_fresh_dir(char *dir, size_t len, const char *parent, const char *name)
{
    snprintf(dir, len, "%s/%s", parent, name);
    fx_remove_tree(dir);
    mkdir(parent, 0755);
    mkdir(dir, 0755);
}

void fx_channel_file(char *path, size_t len, const char *data_dir, const char *channel,
                     const char *file)
{
    snprintf(path, len, "%s/%s", data_dir, channel);
    mkdir(path, 0755);
    snprintf(path, len, "%s/%s/%s", data_dir, channel, file);
}

long fx_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

int fx_write_file(const char *path, const char *schema_json, size_t n, size_t block_records,
                  fx_fill_fn fill, void *arg, long *block_ends, size_t max_blocks)
{
    return fx_write_file_codec(path, schema_json, "null", n, block_records, fill, arg, block_ends,
                               max_blocks);
}

int fx_write_file_codec(const char *path, const char *schema_json, const char *codec, size_t n,
                        size_t block_records, fx_fill_fn fill, void *arg, long *block_ends,
                        size_t max_blocks)
{
    avro_schema_t schema = NULL;
    avro_file_writer_t w = NULL;
    avro_value_iface_t *iface = NULL;
    avro_value_t rec;
    int have_rec = 0;
    size_t block = 0;
    int rc = -1;

    remove(path);
    if (avro_schema_from_json_length(schema_json, strlen(schema_json), &schema) != 0)
        goto out;
    if (avro_file_writer_create_with_codec(path, schema, &w, codec, 4 * 1024 * 1024) != 0)
        goto out;
    iface = avro_generic_class_from_schema(schema);
    if (iface == NULL || avro_generic_value_new(iface, &rec) != 0)
        goto out;
    have_rec = 1;
    for (size_t i = 0; i < n; i++) {
        avro_value_reset(&rec);
        if (fill(&rec, i, arg) != 0 || avro_file_writer_append_value(w, &rec) != 0)
            goto out;
        if ((i + 1) % block_records == 0 || i + 1 == n) {
            if (avro_file_writer_flush(w) != 0)
                goto out;
            if (block_ends != NULL && block < max_blocks)
                block_ends[block] = fx_file_size(path);
            block++;
        }
    }
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "fixture %s: %s\n", path, avro_strerror());
    if (have_rec)
        avro_value_decref(&rec);
    if (iface != NULL)
        avro_value_iface_decref(iface);
    if (w != NULL)
        avro_file_writer_close(w);
    if (schema != NULL)
        avro_schema_decref(schema);
    return rc;
}

/* Zig-zag varint helpers for rewriting a header. */
static int get_long(const unsigned char *buf, size_t len, size_t *pos, int64_t *out)
{
    uint64_t v = 0;
    int shift = 0;
    unsigned char c;

    do {
        if (*pos >= len || shift >= 64)
            return -1;
        c = buf[(*pos)++];
        v |= (uint64_t)(c & 0x7f) << shift;
        shift += 7;
    } while (c & 0x80);
    *out = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    return 0;
}

static void put_long(FILE *fp, int64_t v)
{
    uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    while (z & ~(uint64_t)0x7f) {
        fputc((int)((z & 0x7f) | 0x80), fp);
        z >>= 7;
    }
    fputc((int)z, fp);
}

static void put_bytes(FILE *fp, const void *p, size_t n)
{
    put_long(fp, (int64_t)n);
    fwrite(p, 1, n, fp);
}

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    long size = fx_file_size(path);
    unsigned char *buf = NULL;

    if (fp == NULL || size < 0)
        goto out;
    buf = malloc((size_t)size + 1);
    if (buf != NULL && fread(buf, 1, (size_t)size, fp) != (size_t)size) {
        free(buf);
        buf = NULL;
    }
    *len = (size_t)size;
out:
    if (fp != NULL)
        fclose(fp);
    return buf;
}

int fx_set_header_schema(const char *path, const char *schema_text)
{
    return fx_set_header_value(path, "avro.schema", schema_text);
}

int fx_set_header_value(const char *path, const char *key_name, const char *value)
{
    size_t key_len = strlen(key_name);
    size_t len = 0, pos = 4;
    unsigned char *buf = read_all(path, &len);
    FILE *fp = NULL;
    int64_t count, klen, vlen, bsize;
    int rc = -1;

    if (buf == NULL || len < 4)
        goto out;
    fp = fopen(path, "wb");
    if (fp == NULL)
        goto out;
    fwrite(buf, 1, 4, fp);
    /* Copies every entry but key_name, one per block, then the new value. */
    for (;;) {
        if (get_long(buf, len, &pos, &count) != 0)
            goto out;
        if (count == 0)
            break;
        if (count < 0) {
            count = -count;
            if (get_long(buf, len, &pos, &bsize) != 0)
                goto out;
        }
        for (int64_t i = 0; i < count; i++) {
            const unsigned char *key, *val;
            if (get_long(buf, len, &pos, &klen) != 0)
                goto out;
            key = buf + pos;
            pos += (size_t)klen;
            if (get_long(buf, len, &pos, &vlen) != 0)
                goto out;
            val = buf + pos;
            pos += (size_t)vlen;
            if ((size_t)klen == key_len && memcmp(key, key_name, key_len) == 0)
                continue;
            put_long(fp, 1);
            put_bytes(fp, key, (size_t)klen);
            put_bytes(fp, val, (size_t)vlen);
        }
    }
    put_long(fp, 1);
    put_bytes(fp, key_name, key_len);
    put_bytes(fp, value, strlen(value));
    put_long(fp, 0);
    fwrite(buf + pos, 1, len - pos, fp); /* sync marker and data blocks */
    rc = 0;
out:
    if (fp != NULL && fclose(fp) != 0)
        rc = -1;
    free(buf);
    return rc;
}

char *fx_gen_schema(int k)
{
    size_t cap = 256 + (size_t)k * 64;
    char *s = malloc(cap);
    size_t n;

    if (s == NULL)
        return NULL;
    n = (size_t)snprintf(s, cap,
                         "{\"type\":\"record\",\"name\":\"data\",\"namespace\":\"speeddata.bench\","
                         "\"fields\":[{\"name\":\"time\",\"type\":\"long\","
                         "\"logicalType\":\"timestamp-nanos\"}");
    for (int j = 0; j < k; j++)
        n += (size_t)snprintf(s + n, cap - n, ",{\"name\":\"sig%d\",\"type\":\"double\"}", j);
    snprintf(s + n, cap - n, ",{\"name\":\"counter\",\"type\":\"int\"}]}");
    return s;
}

double fx_gen_signal(int c, int k, int64_t i, int rate)
{
    /* Same operations, in the same order, as the reference generator. */
    double w = 2.0 * M_PI * 0.5 * (double)(k + 1);
    double t = (double)i / (double)rate;
    return (double)(k + 1) * sin(w * t + 0.1 * (double)c);
}

typedef struct gen_args {
    int c, k, rate;
    int64_t start_ns, i0;
} gen_args;

static int gen_fill(avro_value_t *rec, size_t n, void *arg)
{
    const gen_args *g = arg;
    int64_t i = g->i0 + (int64_t)n;
    avro_value_t f;
    char name[32];

    if (avro_value_get_by_name(rec, "time", &f, NULL) != 0 ||
        avro_value_set_long(&f, g->start_ns + (i * 1000000000) / g->rate) != 0)
        return -1;
    for (int j = 0; j < g->k; j++) {
        snprintf(name, sizeof(name), "sig%d", j);
        if (avro_value_get_by_name(rec, name, &f, NULL) != 0 ||
            avro_value_set_double(&f, fx_gen_signal(g->c, j, i, g->rate)) != 0)
            return -1;
    }
    if (avro_value_get_by_name(rec, "counter", &f, NULL) != 0 ||
        avro_value_set_int(&f, (int32_t)(i & 0x7fffffff)) != 0)
        return -1;
    return 0;
}

int fx_gen_channel(const char *out, int c, int k, int64_t start_ns, int seconds, int rate,
                   int file_seconds)
{
    char *schema = fx_gen_schema(k);
    char dir[4096], path[4200];
    int64_t total = (int64_t)seconds * rate, per_file = (int64_t)file_seconds * rate;
    int rc = -1;

    if (schema == NULL)
        return -1;
    snprintf(dir, sizeof(dir), "%s/ch%03d", out, c);
    if (mkdir(out, 0755) != 0 && errno != EEXIST)
        goto out;
    if (mkdir(dir, 0755) != 0 && errno != EEXIST)
        goto out;
    for (int64_t i0 = 0, j = 0; i0 < total; i0 += per_file, j++) {
        int64_t n = total - i0 < per_file ? total - i0 : per_file;
        int64_t start_s = (start_ns + j * file_seconds * 1000000000LL) / 1000000000LL;
        gen_args g = {c, k, rate, start_ns, i0};

        snprintf(path, sizeof(path), "%s/data_%lld.avro", dir, (long long)start_s);
        if (fx_write_file(path, schema, (size_t)n, 1000, gen_fill, &g, NULL, 0) != 0 ||
            fx_set_header_schema(path, schema) != 0)
            goto out;
    }
    rc = 0;
out:
    free(schema);
    return rc;
}
