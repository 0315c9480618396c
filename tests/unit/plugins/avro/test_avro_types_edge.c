/*
 * The avro source's richer types at their edges: fields no signal type
 * holds (nullable records, unions of several types, recursive records,
 * nested arrays and maps) skipped by the compiled decoder, schema evolution
 * with nullable signals, a snappy block whose CRC is wrong, and a codec the
 * source does not know.
 *
 * Usage: test_avro_types_edge <scratch dir>
 */
#include "check.h"
#include "test_avro_source_fixture.h"
#include "test_avro_types_harness.h"

#include "batch.h"
#include "fast_decoder.h"
#include "record_schema.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

static char data_dir[512];
static const char *const modes[] = {NULL, "libavro"};

/* ---- fields that are not signals, between ones that are ---- */

#define MIXED_RECORDS 500

static const char *const mixed_schema =
    "{\"type\":\"record\",\"name\":\"mixed\",\"fields\":[{\"name\":\"time\",\"type\":\"long\"},{"
    "\"name\":\"opt_pos\",\"type\":[\"null\",{\"type\":\"record\",\"name\":\"P\",\"fields\":[{"
    "\"name\":\"x\",\"type\":\"double\"}]}]},{\"name\":\"a\",\"type\":\"double\"},{\"name\":"
    "\"multi\",\"type\":[\"int\",\"string\",\"null\"]},{\"name\":\"list\",\"type\":{\"type\":"
    "\"record\",\"name\":\"Node\",\"fields\":[{\"name\":\"v\",\"type\":\"int\"},{\"name\":\"next\","
    "\"type\":[\"null\",\"Node\"]}]}},{\"name\":\"nothing\",\"type\":\"null\"},{\"name\":"
    "\"matrix\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":\"double\"}}},"
    "{\"name\":\"groups\",\"type\":{\"type\":\"map\",\"values\":{\"type\":\"array\",\"items\":"
    "\"P\"}}},{\"name\":\"empties\",\"type\":{\"type\":\"array\",\"items\":\"null\"}},{\"name\":"
    "\"b\",\"type\":\"int\"}]}";

static int mixed_expect(const th_check *c, const char *name, size_t i, tx_value *e)
{
    (void)c;
    memset(e, 0, sizeof(*e));
    e->valid = 1;
    if (strcmp(name, "a") == 0)
        e->x = (double)i * 0.75;
    else if (strcmp(name, "list.v") == 0)
        e->n = (int64_t)i;
    else if (strcmp(name, "b") == 0)
        e->n = -(int64_t)i;
    else
        return -1;
    return 0;
}

static int fill_mixed(avro_value_t *rec, size_t i, void *arg)
{
    avro_value_t f, g, h, k, branch;
    char text[32];
    int rc = 0;

    (void)arg;
    rc |= avro_value_get_by_name(rec, "time", &f, NULL) || avro_value_set_long(&f, TX_TIME(i));
    rc |= avro_value_get_by_name(rec, "opt_pos", &f, NULL) ||
          avro_value_set_branch(&f, i % 2 ? 1 : 0, &branch);
    if (i % 2)
        rc |=
            avro_value_get_by_name(&branch, "x", &g, NULL) || avro_value_set_double(&g, (double)i);
    else
        rc |= avro_value_set_null(&branch);
    rc |= avro_value_get_by_name(rec, "a", &f, NULL) || avro_value_set_double(&f, i * 0.75);
    rc |= avro_value_get_by_name(rec, "multi", &f, NULL) ||
          avro_value_set_branch(&f, (int)(i % 3), &branch);
    snprintf(text, sizeof(text), "m%zu", i);
    rc |= i % 3 == 0   ? avro_value_set_int(&branch, (int32_t)i)
          : i % 3 == 1 ? avro_value_set_string(&branch, text)
                       : avro_value_set_null(&branch);
    /* A list of i % 4 further nodes. */
    rc |= avro_value_get_by_name(rec, "list", &f, NULL);
    for (size_t depth = 0;; depth++) {
        rc |= avro_value_get_by_name(&f, "v", &g, NULL) ||
              avro_value_set_int(&g, (int32_t)(i + depth));
        rc |= avro_value_get_by_name(&f, "next", &g, NULL);
        if (depth == i % 4) {
            rc |= avro_value_set_branch(&g, 0, &branch) || avro_value_set_null(&branch);
            break;
        }
        rc |= avro_value_set_branch(&g, 1, &branch);
        f = branch;
    }
    rc |= avro_value_get_by_name(rec, "nothing", &f, NULL) || avro_value_set_null(&f);
    rc |= avro_value_get_by_name(rec, "matrix", &f, NULL);
    for (size_t r = 0; r < i % 3; r++) {
        rc |= avro_value_append(&f, &g, NULL);
        for (size_t c = 0; c <= r; c++)
            rc |= avro_value_append(&g, &h, NULL) || avro_value_set_double(&h, (double)(i + c));
    }
    rc |= avro_value_get_by_name(rec, "groups", &f, NULL);
    for (size_t m = 0; m < i % 2 + 1; m++) {
        snprintf(text, sizeof(text), "g%zu", m);
        rc |= avro_value_add(&f, text, &g, NULL, NULL);
        for (size_t p = 0; p < i % 3; p++)
            rc |= avro_value_append(&g, &h, NULL) || avro_value_get_by_name(&h, "x", &k, NULL) ||
                  avro_value_set_double(&k, (double)p);
    }
    rc |= avro_value_get_by_name(rec, "empties", &f, NULL);
    for (size_t e = 0; e < i % 5; e++)
        rc |= avro_value_append(&f, &g, NULL) || avro_value_set_null(&g);
    rc |= avro_value_get_by_name(rec, "b", &f, NULL) || avro_value_set_int(&f, -(int32_t)i);
    return rc;
}

static void check_unsupported(const pivot_channel_info *info, size_t k, const char *name,
                              const char *source_type, const char *reason)
{
    CHECK(k < info->nunsupported);
    if (k >= info->nunsupported)
        return;
    CHECK_STR_EQ(info->unsupported[k].name, name);
    CHECK_STR_EQ(info->unsupported[k].source_type, source_type);
    CHECK_STR_EQ(info->unsupported[k].reason, reason);
}

static void test_mixed(void)
{
    static const char *names[] = {"a", "list.v", "b"};
    static const int nullable[] = {0, 0, 0};
    static const char nullable_record[] = "A nullable record cannot be flattened into signals, "
                                          "since its fields have no values when it is null.";
    char path[1024], err[PIVOT_ERRMSG_SIZE] = "";
    pivot_channel_info *info = NULL;
    size_t field_of[3];
    pva_schema schema;
    pva_decoder dec;
    pva_batch batch;
    void *ctx;

    fx_channel_file(path, sizeof(path), data_dir, "mixed", "data_0.avro");
    CHECK_INT_EQ(fx_write_file_codec(path, mixed_schema, "null", MIXED_RECORDS, 61, fill_mixed,
                                     NULL, NULL, 0),
                 0);

    /* The compiled decoder skips every unsupported field: no fallback to libavro. */
    CHECK_INT_EQ(pva_schema_load(path, &schema, err, sizeof(err)), 0);
    for (size_t k = 0; k < 3; k++)
        field_of[k] = (size_t)pva_schema_find(&schema, names[k]);
    CHECK_INT_EQ(pva_batch_init(&batch, names, 3), 0);
    CHECK_INT_EQ(pva_decoder_compile(&schema, field_of, 3, &batch, &dec), 0);
    pva_decoder_free(&dec);
    pva_batch_free(&batch);
    pva_schema_clear(&schema);

    ctx = th_open(data_dir, NULL);
    CHECK_INT_EQ(th_source->describe(ctx, "mixed", &info, err, sizeof(err)), 0);
    if (info != NULL) {
        CHECK_INT_EQ(info->nsignals, 3);
        for (size_t k = 0; k < 3 && k < info->nsignals; k++) {
            CHECK_STR_EQ(info->signals[k].name, names[k]);
            CHECK_INT_EQ(info->signals[k].type, k == 0 ? PIVOT_TYPE_FLOAT64 : PIVOT_TYPE_INT32);
        }
        CHECK_INT_EQ(info->nunsupported, 7);
        check_unsupported(info, 0, "opt_pos", "union(null,record)", nullable_record);
        check_unsupported(info, 1, "multi", "union(int,string,null)",
                          "A union of several non-null types has no single signal type (only "
                          "\"null\" with one other type makes a nullable signal).");
        check_unsupported(info, 2, "list.next", "union(null,record)", nullable_record);
        check_unsupported(info, 3, "nothing", "null", "A field of type null never holds a value.");
        check_unsupported(info, 4, "matrix", "array",
                          "Avro arrays hold a varying number of values in each record, which no "
                          "signal type can hold.");
        check_unsupported(
            info, 5, "groups", "map",
            "Avro maps hold a varying set of keys in each record, which no signal type can hold.");
        check_unsupported(info, 6, "empties", "array",
                          "Avro arrays hold a varying number of values in each record, which no "
                          "signal type can hold.");
    }
    th_source->free_info(ctx, info);
    th_source->close(ctx);

    for (size_t m = 0; m < 2; m++) {
        th_check c = {.names = names, .nullable = nullable, .n = 3, .expect = mixed_expect};

        ctx = th_open(data_dir, modes[m]);
        CHECK_INT_EQ(th_scan(ctx, "mixed", INT64_MIN, INT64_MAX, &c, err, sizeof(err)), 0);
        CHECK_INT_EQ(c.rows, MIXED_RECORDS);
        CHECK_INT_EQ(c.bad_values, 0);
        CHECK_INT_EQ(c.bad_times, 0);
        CHECK_INT_EQ(c.bad_masks, 0);
        CHECK_INT_EQ(c.warnings, 0);
        th_source->close(ctx);
    }
}

/* ---- schema evolution: signals older files lack, or hold as not nullable ---- */

#define OLD_RECORDS 300
#define NEW_RECORDS 400

static const char *const old_schema =
    "{\"type\":\"record\",\"name\":\"telemetry\",\"fields\":[{\"name\":\"time\",\"type\":\"long\"},"
    "{\"name\":\"d\",\"type\":\"double\"},{\"name\":\"oi\",\"type\":\"int\"}]}";

static int fill_old(avro_value_t *rec, size_t i, void *arg)
{
    avro_value_t f;

    (void)arg;
    return avro_value_get_by_name(rec, "time", &f, NULL) || avro_value_set_long(&f, TX_TIME(i)) ||
           avro_value_get_by_name(rec, "d", &f, NULL) || avro_value_set_double(&f, i / 8.0) ||
           avro_value_get_by_name(rec, "oi", &f, NULL) || avro_value_set_int(&f, -5 * (int)i);
}

static int fill_new(avro_value_t *rec, size_t i, void *arg)
{
    (void)arg;
    return tx_fill_every(rec, i + OLD_RECORDS, NULL);
}

/*
 * In the old file: oi is a plain int (valid everywhere, -5 i as in the new
 * formula), d is there, and os, od, mode, raw are missing: null where the
 * newest schema makes them nullable, the fill of their type elsewhere.
 */
static int evolved_expect(const th_check *c, const char *name, size_t i, tx_value *e)
{
    (void)c;
    if (i >= OLD_RECORDS || strcmp(name, "d") == 0)
        return tx_expect(name, i, e);
    memset(e, 0, sizeof(*e));
    e->valid = strcmp(name, "oi") == 0 || strcmp(name, "mode") == 0 || strcmp(name, "raw") == 0;
    if (strcmp(name, "oi") == 0)
        e->n = -5 * (int64_t)i;
    else if (strcmp(name, "od") == 0)
        e->x = NAN;
    return 0;
}

static void test_evolution(void)
{
    static const char *names[] = {"oi", "os", "mode", "raw", "d", "od"};
    static const int nullable[] = {1, 1, 0, 0, 0, 1};
    char path[1024], err[PIVOT_ERRMSG_SIZE];

    fx_channel_file(path, sizeof(path), data_dir, "evolved", "data_0.avro");
    CHECK_INT_EQ(fx_write_file(path, old_schema, OLD_RECORDS, 64, fill_old, NULL, NULL, 0), 0);
    /* Not data_<seconds>.avro, whose name would say it starts after the range below. */
    fx_channel_file(path, sizeof(path), data_dir, "evolved", "recent.avro");
    CHECK_INT_EQ(fx_write_file_codec(path, tx_every_schema, "snappy", NEW_RECORDS, 50, fill_new,
                                     NULL, NULL, 0),
                 0);
    for (size_t m = 0; m < 2; m++) {
        th_check c = {.names = names, .nullable = nullable, .n = 6, .expect = evolved_expect};
        void *ctx = th_open(data_dir, modes[m]);

        CHECK_INT_EQ(th_scan(ctx, "evolved", INT64_MIN, INT64_MAX, &c, err, sizeof(err)), 0);
        CHECK_INT_EQ(c.rows, OLD_RECORDS + NEW_RECORDS);
        CHECK_INT_EQ(c.bad_values, 0);
        CHECK_INT_EQ(c.bad_times, 0);
        CHECK_INT_EQ(c.bad_masks, 0);
        /* Both files in one range, starting in the old one. */
        c.first = 250;
        CHECK_INT_EQ(th_scan(ctx, "evolved", TX_TIME(250), TX_TIME(320), &c, err, sizeof(err)), 0);
        CHECK_INT_EQ(c.rows, 70);
        CHECK_INT_EQ(c.bad_values, 0);
        CHECK_INT_EQ(c.bad_masks, 0);
        th_source->close(ctx);
    }
}

/* ---- damage and codecs ---- */

/* Flips one bit of the byte at `offset` of the file. */
static int flip_byte(const char *path, long offset)
{
    FILE *fp = fopen(path, "r+b");
    int c, rc = -1;

    if (fp == NULL)
        return -1;
    if (fseek(fp, offset, SEEK_SET) == 0 && (c = fgetc(fp)) != EOF &&
        fseek(fp, offset, SEEK_SET) == 0 && fputc(c ^ 0x01, fp) != EOF)
        rc = 0;
    return fclose(fp) == 0 ? rc : -1;
}

/*
 * A snappy file of 11 blocks (10 of 97 records, then 30) whose last block's
 * CRC is wrong: the 970 records of the first ten blocks are exported, and
 * the damage is one warning.
 */
static void test_snappy_bad_crc(void)
{
    const char *names[64];
    int nullable[64];
    char path[1024], err[PIVOT_ERRMSG_SIZE];
    long block_ends[16];

    tx_every_names(names, nullable);
    fx_channel_file(path, sizeof(path), data_dir, "bad_crc", "data_0.avro");
    CHECK_INT_EQ(fx_write_file_codec(path, tx_every_schema, "snappy", 1000, 97, tx_fill_every, NULL,
                                     block_ends, 16),
                 0);
    CHECK_INT_EQ(block_ends[10], fx_file_size(path));
    /* The block ends with its CRC, then the 16-byte sync marker. */
    CHECK_INT_EQ(flip_byte(path, fx_file_size(path) - 16 - 1), 0);
    for (size_t m = 0; m < 2; m++) {
        th_check c = {.names = names, .nullable = nullable, .n = tx_every_nsignals};
        void *ctx = th_open(data_dir, modes[m]);

        CHECK_INT_EQ(th_scan(ctx, "bad_crc", INT64_MIN, INT64_MAX, &c, err, sizeof(err)), 0);
        CHECK_INT_EQ(c.rows, 970);
        CHECK_INT_EQ(c.bad_values, 0);
        CHECK_INT_EQ(c.bad_masks, 0);
        CHECK_INT_EQ(c.warnings, 1);
        /* The file by its name, never by its path on the server. */
        CHECK(strstr(c.warning, "data_0.avro") != NULL);
        CHECK(strstr(c.warning, "bad_crc/") == NULL);
        CHECK(strstr(c.warning, "CRC") != NULL);
        th_source->close(ctx);
    }
}

/* A codec neither decoder knows: the file is passed over with a warning naming the codec. */
static void test_unknown_codec(void)
{
    static const char *names[] = {"d"};
    static const int nullable[] = {0};
    char path[1024], err[PIVOT_ERRMSG_SIZE];

    fx_channel_file(path, sizeof(path), data_dir, "odd_codec", "data_0.avro");
    CHECK_INT_EQ(
        fx_write_file_codec(path, tx_every_schema, "null", 100, 50, tx_fill_every, NULL, NULL, 0),
        0);
    CHECK_INT_EQ(fx_set_header_value(path, "avro.codec", "zstandard"), 0);
    for (size_t m = 0; m < 2; m++) {
        th_check c = {.names = names, .nullable = nullable, .n = 1};
        void *ctx = th_open(data_dir, modes[m]);

        CHECK_INT_EQ(th_scan(ctx, "odd_codec", INT64_MIN, INT64_MAX, &c, err, sizeof(err)), 0);
        CHECK_INT_EQ(c.rows, 0);
        CHECK_INT_EQ(c.warnings, 1);
        CHECK(strstr(c.warning, "the codec \"zstandard\" is not supported") != NULL);
        th_source->close(ctx);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <scratch dir>\n", argv[0]);
        return 2;
    }
    fx_fresh_dir(data_dir, sizeof(data_dir), argv[1], "avro_types_edge_data");
    if (th_init() != 0)
        return 1;
    test_mixed();
    test_evolution();
    test_snappy_bad_crc();
    test_unknown_codec();
    fx_remove_tree(data_dir);
    return check_report();
}
