/*
 * The avro source on a record with every type a relay schema can hold
 * (test_avro_types_fixture.c), written by libavro with each codec: describe
 * lists exactly the expected signals, details and unsupported fields, and
 * scans through both decoders deliver every value and mask as the formulas
 * say.
 *
 * Usage: test_avro_types <scratch dir>
 */
#include "check.h"
#include "test_avro_source_fixture.h"
#include "test_avro_types_harness.h"

#include "batch.h"
#include "fast_decoder.h"
#include "record_schema.h"

#include <stdlib.h>

#define RECORDS 1000
#define BLOCK_RECORDS 97

static char data_dir[512];

static const char *const codecs[] = {"null", "deflate", "snappy"};
static const char *const modes[] = {NULL, "libavro"};

static void write_channel(const char *channel, const char *codec)
{
    char path[1024];

    fx_channel_file(path, sizeof(path), data_dir, channel, "data_0.avro");
    CHECK_INT_EQ(fx_write_file_codec(path, tx_every_schema, codec, RECORDS, BLOCK_RECORDS,
                                     tx_fill_every, NULL, NULL, 0),
                 0);
    /* libavro writes its own rendering of the schema, without doc and units: put them back. */
    CHECK_INT_EQ(fx_set_header_schema(path, tx_every_schema), 0);
}

static const pivot_unsupported_field *find_unsupported(const pivot_channel_info *info,
                                                       const char *name)
{
    for (size_t i = 0; i < info->nunsupported; i++) {
        if (strcmp(info->unsupported[i].name, name) == 0)
            return &info->unsupported[i];
    }
    return NULL;
}

static void test_describe(void)
{
    static const char *const symbols[] = {"IDLE", "RAMP", "HOLD"};
    pivot_channel_info *info = NULL;
    const pivot_unsupported_field *u;
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *ctx = th_open(data_dir, NULL);

    CHECK_INT_EQ(th_source->describe(ctx, "every_null", &info, err, sizeof(err)), 0);
    CHECK(info != NULL);
    if (info == NULL)
        goto out;
    CHECK_INT_EQ(info->size, sizeof(pivot_channel_info));
    CHECK_INT_EQ(info->nsignals, tx_every_nsignals);
    CHECK(info->details != NULL);
    for (size_t k = 0; k < tx_every_nsignals && k < info->nsignals && info->details; k++) {
        const tx_signal *want = &tx_every_signals[k];
        const pivot_signal_detail *d = info->details[k];

        CHECK_STR_EQ(info->signals[k].name, want->name);
        CHECK_INT_EQ(info->signals[k].type, want->type);
        CHECK(d != NULL);
        if (d == NULL)
            continue;
        CHECK_INT_EQ(d->size, sizeof(pivot_signal_detail));
        CHECK_INT_EQ(d->nullable, want->nullable);
        CHECK_STR_EQ(d->source_type, want->source_type);
        CHECK_INT_EQ(d->fixed_size, want->fixed_size);
        CHECK_INT_EQ(d->nsymbols, want->nsymbols);
        for (size_t s = 0; s < d->nsymbols && s < 3; s++)
            CHECK_STR_EQ(d->symbols[s], symbols[s]);
        if (want->nsymbols == 0)
            CHECK(d->symbols == NULL);
        if (want->units != NULL)
            CHECK_STR_EQ(d->units, want->units);
        else
            CHECK(d->units == NULL);
        if (want->doc != NULL)
            CHECK_STR_EQ(d->doc, want->doc);
        else
            CHECK(d->doc == NULL);
    }
    /* Exactly the array and the map, with their reasons. */
    CHECK_INT_EQ(info->nunsupported, 2);
    u = find_unsupported(info, "tags");
    CHECK(u != NULL);
    if (u != NULL) {
        CHECK_STR_EQ(u->source_type, "array");
        CHECK_STR_EQ(u->reason, "Avro arrays hold a varying number of values in each record, which "
                                "no signal type can hold.");
    }
    u = find_unsupported(info, "attrs");
    CHECK(u != NULL);
    if (u != NULL) {
        CHECK_STR_EQ(u->source_type, "map");
        CHECK_STR_EQ(
            u->reason,
            "Avro maps hold a varying set of keys in each record, which no signal type can hold.");
    }
    if (info->nunsupported == 2) {
        CHECK_STR_EQ(info->unsupported[0].name, "tags");
        CHECK_STR_EQ(info->unsupported[1].name, "attrs");
    }
out:
    th_source->free_info(ctx, info);
    th_source->close(ctx);
}

/* The compiled decoder takes this schema: the fast scans below do not fall back to libavro. */
static void test_compiles(void)
{
    char path[1024], err[PIVOT_ERRMSG_SIZE] = "";
    const char *names[] = {"pos.y", "oi"};
    size_t field_of[2];
    pva_schema schema;
    pva_decoder dec;
    pva_batch batch;
    long tags;

    snprintf(path, sizeof(path), "%s/every_snappy/data_0.avro", data_dir);
    CHECK_INT_EQ(pva_schema_load(path, &schema, err, sizeof(err)), 0);
    CHECK_INT_EQ(schema.ntop, 23);
    CHECK_INT_EQ(schema.nfields, tx_every_nsignals + 3); /* time, tags, attrs */
    CHECK_INT_EQ(schema.time_index, 1);
    tags = pva_schema_find(&schema, "tags");
    CHECK(tags > 0 && !schema.fields[tags].supported && schema.fields[tags].skip_type >= 0);
    field_of[0] = (size_t)pva_schema_find(&schema, "pos.y");
    field_of[1] = (size_t)pva_schema_find(&schema, "oi");
    CHECK_INT_EQ(schema.fields[field_of[0]].depth, 2);
    CHECK_INT_EQ(schema.fields[field_of[0]].path[1], 1);
    CHECK_INT_EQ(pva_batch_init(&batch, names, 2), 0);
    CHECK_INT_EQ(pva_batch_set_nullable(&batch, 1), 0);
    CHECK_INT_EQ(pva_decoder_compile(&schema, field_of, 2, &batch, &dec), 0);
    if (dec.steps != NULL && tags > 0) {
        CHECK_INT_EQ(dec.steps[tags].kind, PVA_STEP_VALUE);
        CHECK_INT_EQ(dec.steps[field_of[0]].column, 0);
        CHECK_INT_EQ(dec.steps[field_of[1]].flags, PVA_STEP_NULLABLE | PVA_STEP_MASKED);
    }
    pva_decoder_free(&dec);
    pva_batch_free(&batch);
    pva_schema_clear(&schema);
}

/* Every signal, every codec, both decoders: each element as the formula says. */
static void test_scan_every(void)
{
    const char *names[64];
    int nullable[64];
    char channel[64], err[PIVOT_ERRMSG_SIZE];
    th_check c = {0};

    tx_every_names(names, nullable);
    c.names = names;
    c.nullable = nullable;
    c.n = tx_every_nsignals;
    for (size_t m = 0; m < 2; m++) {
        void *ctx = th_open(data_dir, modes[m]);

        for (size_t k = 0; k < 3; k++) {
            snprintf(channel, sizeof(channel), "every_%s", codecs[k]);
            c.first = 0;
            CHECK_INT_EQ(th_scan(ctx, channel, INT64_MIN, INT64_MAX, &c, err, sizeof(err)), 0);
            CHECK_INT_EQ(c.rows, RECORDS);
            CHECK_INT_EQ(c.bad_values, 0);
            CHECK_INT_EQ(c.bad_times, 0);
            CHECK_INT_EQ(c.bad_masks, 0);
            CHECK_INT_EQ(c.warnings, 0);
            if (c.bad_values || c.rows != RECORDS)
                fprintf(stderr, "  (%s, %s decoder)\n", channel, m ? "libavro" : "compiled");
            /* A range that starts and ends inside blocks. */
            c.first = 150;
            CHECK_INT_EQ(th_scan(ctx, channel, TX_TIME(150), TX_TIME(850), &c, err, sizeof(err)),
                         0);
            CHECK_INT_EQ(c.rows, 700);
            CHECK_INT_EQ(c.bad_values, 0);
            CHECK_INT_EQ(c.bad_masks, 0);
        }
        th_source->close(ctx);
    }
}

/* With no nullable signal requested, batches carry no mask array. */
static void test_no_masks(void)
{
    static const char *names[] = {"mode", "raw", "pos.y", "nest.inner.c", "id"};
    static const int nullable[] = {0, 0, 0, 0, 0};
    static const char *one[] = {"omode"};
    static const int one_nullable[] = {1};
    char err[PIVOT_ERRMSG_SIZE];
    th_check c = {.names = names, .nullable = nullable, .n = 5};

    for (size_t m = 0; m < 2; m++) {
        void *ctx = th_open(data_dir, modes[m]);

        CHECK_INT_EQ(th_scan(ctx, "every_deflate", INT64_MIN, INT64_MAX, &c, err, sizeof(err)), 0);
        CHECK_INT_EQ(c.rows, RECORDS);
        CHECK_INT_EQ(c.bad_values, 0);
        CHECK_INT_EQ(c.bad_masks, 0);
        th_check n1 = {.names = one, .nullable = one_nullable, .n = 1};
        CHECK_INT_EQ(th_scan(ctx, "every_null", INT64_MIN, INT64_MAX, &n1, err, sizeof(err)), 0);
        CHECK_INT_EQ(n1.rows, RECORDS);
        CHECK_INT_EQ(n1.bad_values, 0);
        CHECK_INT_EQ(n1.bad_masks, 0);
        th_source->close(ctx);
    }
}

/* The array, the map, a nested record itself and time are not signals. */
static void test_not_signals(void)
{
    static const char *const asked[] = {"tags", "attrs", "pos", "nest.inner", "time"};
    static const int nullable[] = {0};
    char err[PIVOT_ERRMSG_SIZE];
    void *ctx = th_open(data_dir, NULL);

    for (size_t k = 0; k < sizeof(asked) / sizeof(asked[0]); k++) {
        th_check c = {.names = &asked[k], .nullable = nullable, .n = 1};
        CHECK_INT_EQ(th_scan(ctx, "every_null", INT64_MIN, INT64_MAX, &c, err, sizeof(err)),
                     PIVOT_ENOENT);
        CHECK(strstr(err, asked[k]) != NULL);
        CHECK_INT_EQ(c.batches, 0);
    }
    th_source->close(ctx);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s <scratch dir>\n", argv[0]);
        return 2;
    }
    fx_fresh_dir(data_dir, sizeof(data_dir), argv[1], "avro_types_data");
    if (th_init() != 0)
        return 1;
    for (size_t k = 0; k < 3; k++) {
        char channel[64];
        snprintf(channel, sizeof(channel), "every_%s", codecs[k]);
        write_channel(channel, codecs[k]);
    }
    test_describe();
    test_compiles();
    test_scan_every();
    test_no_masks();
    test_not_signals();
    fx_remove_tree(data_dir);
    return check_report();
}
