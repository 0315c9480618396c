/*
 * The compiled Avro decoder against libavro's generic reader: every test
 * file is scanned twice through the avro source, once with each decoder,
 * and the two scans must deliver the same samples value by value, in the
 * same batches order, with the same number of warnings.
 *
 * Usage: test_avro_decoder <pivot-gen-avro> <scratch dir>
 */
#include "check.h"
#include "test_avro_host.h"
#include "test_avro_source_fixture.h"

#include "fast_decoder.h"
#include "record_schema.h"

#include <math.h>

#include <avro.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#define NS 1000000000LL
#define GEN_START_NS (1735689600LL * NS) /* 2025-01-01T00:00:00Z */

static char data_dir[512];

/* Everything a scan delivered, flattened. */
typedef struct capture {
    size_t samples, batches, warnings;
    size_t ncolumns;
    int64_t *time;
    unsigned char *values; /* per sample: each column's 8 bytes (strings, bytes: a hash) */
    unsigned char *valid;  /* per sample: each column's mask byte, 2 where there is no mask */
    size_t cap;
} capture;

static uint64_t hash_string(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static uint64_t hash_bytes(pivot_bytes b)
{
    uint64_t h = 1469598103934665603ULL ^ b.len;
    for (size_t i = 0; i < b.len; i++)
        h = (h ^ b.data[i]) * 1099511628211ULL;
    return h;
}

static int on_batch(void *arg, const pivot_batch *b)
{
    capture *c = arg;

    c->batches++;
    c->ncolumns = b->ncolumns;
    if (c->samples + b->count > c->cap) {
        size_t ncap = (c->samples + b->count) * 2;
        c->time = realloc(c->time, ncap * sizeof(*c->time));
        c->values = realloc(c->values, ncap * (b->ncolumns ? b->ncolumns : 1) * 8);
        c->valid = realloc(c->valid, ncap * (b->ncolumns ? b->ncolumns : 1));
        c->cap = ncap;
    }
    for (size_t r = 0; r < b->count; r++) {
        unsigned char *row = c->values + (c->samples + r) * b->ncolumns * 8;
        c->time[c->samples + r] = b->time[r];
        for (size_t k = 0; k < b->ncolumns; k++) {
            uint64_t v = 0;
            const void *d = b->columns[k].data;
            c->valid[(c->samples + r) * b->ncolumns + k] =
                b->valid != NULL && b->valid[k] != NULL ? b->valid[k][r] : 2;
            switch (b->columns[k].type) {
            case PIVOT_TYPE_INT32:
            case PIVOT_TYPE_ENUM:
                v = (uint64_t)(int64_t)((const int32_t *)d)[r];
                break;
            case PIVOT_TYPE_BYTES:
                v = hash_bytes(((const pivot_bytes *)d)[r]);
                break;
            case PIVOT_TYPE_INT64:
                v = (uint64_t)((const int64_t *)d)[r];
                break;
            case PIVOT_TYPE_FLOAT32:
                memcpy(&v, &((const float *)d)[r], 4);
                break;
            case PIVOT_TYPE_FLOAT64:
                memcpy(&v, &((const double *)d)[r], 8);
                break;
            case PIVOT_TYPE_BOOL:
                v = ((const uint8_t *)d)[r];
                break;
            case PIVOT_TYPE_STRING:
                v = hash_string(((const char *const *)d)[r]);
                break;
            }
            memcpy(row + k * 8, &v, 8);
        }
    }
    c->samples += b->count;
    return 0;
}

static void on_warning(void *arg, const char *message)
{
    (void)message;
    ((capture *)arg)->warnings++;
}

static int scan(void *ctx, const char *channel, const char *const *signals, size_t n,
                pivot_range range, capture *c)
{
    char err[PIVOT_ERRMSG_SIZE] = "";
    pivot_scan_sink sink = {sizeof(pivot_scan_sink), c, on_batch, on_warning};
    int rc;

    memset(c, 0, sizeof(*c));
    rc = th_source->scan(ctx, channel, signals, n, range, &sink, err, sizeof(err));
    if (rc != 0)
        fprintf(stderr, "scan %s: %s\n", channel, err);
    return rc;
}

static void capture_free(capture *c)
{
    free(c->time);
    free(c->values);
    free(c->valid);
}

/*
 * Scans `channel` with both decoders and checks they agree. Returns the
 * number of samples, so that callers can also check the expected count.
 */
static size_t compare_in(const char *dir, const char *channel, const char *const *signals, size_t n,
                         pivot_range range, size_t *warnings);

static size_t compare(const char *channel, const char *const *signals, size_t n, pivot_range range,
                      size_t *warnings)
{
    return compare_in(data_dir, channel, signals, n, range, warnings);
}

/* As compare, over the data directory `dir`. */
static size_t compare_in(const char *dir, const char *channel, const char *const *signals, size_t n,
                         pivot_range range, size_t *warnings)
{
    void *fast = th_open(dir, NULL), *slow = th_open(dir, "libavro");
    capture a, b;
    size_t samples;

    CHECK(fast != NULL && slow != NULL);
    CHECK_INT_EQ(scan(fast, channel, signals, n, range, &a), 0);
    CHECK_INT_EQ(scan(slow, channel, signals, n, range, &b), 0);
    CHECK_INT_EQ(a.samples, b.samples);
    CHECK_INT_EQ(a.warnings, b.warnings);
    if (a.samples == b.samples && a.samples > 0) {
        size_t bad_t = 0, bad_v = 0;
        for (size_t i = 0; i < a.samples; i++) {
            if (a.time[i] != b.time[i])
                bad_t++;
            if (memcmp(a.values + i * n * 8, b.values + i * n * 8, n * 8) != 0 ||
                memcmp(a.valid + i * n, b.valid + i * n, n) != 0)
                bad_v++;
        }
        if (bad_t || bad_v)
            fprintf(stderr, "%s: %zu times and %zu rows differ\n", channel, bad_t, bad_v);
        CHECK_INT_EQ(bad_t, 0);
        CHECK_INT_EQ(bad_v, 0);
    }
    samples = a.samples;
    if (warnings != NULL)
        *warnings = a.warnings;
    capture_free(&a);
    capture_free(&b);
    th_source->close(fast);
    th_source->close(slow);
    return samples;
}

static int run(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    return system(cmd);
}

/* ---- libavro-written files with every supported type ---- */

/* time is not the first field, and its unit comes from the header's logical type. */
static const char *typed_schema =
    "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
    "{\"name\":\"flag\",\"type\":\"boolean\"},{\"name\":\"f\",\"type\":\"float\"},"
    "{\"name\":\"label\",\"type\":\"string\"},{\"name\":\"time\",\"type\":\"long\"},"
    "{\"name\":\"d\",\"type\":\"double\"},{\"name\":\"i\",\"type\":\"int\"},"
    "{\"name\":\"l\",\"type\":\"long\"}]}";

static const char *union_schema = "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                                  "{\"name\":\"time\",\"type\":\"long\"},"
                                  "{\"name\":\"maybe\",\"type\":[\"null\",\"double\"]},"
                                  "{\"name\":\"d\",\"type\":\"double\"}]}";

static int fill_typed(avro_value_t *rec, size_t i, int64_t unit_time, int with_union)
{
    avro_value_t v, branch;
    static char label[64];
    int64_t t = (int64_t)i * 7 + (i % 3); /* irregular but increasing */

    if (with_union) {
        avro_value_get_by_name(rec, "time", &v, NULL);
        avro_value_set_long(&v, t * unit_time);
        avro_value_get_by_name(rec, "maybe", &v, NULL);
        avro_value_set_branch(&v, i % 2, &branch);
        if (i % 2)
            avro_value_set_double(&branch, (double)i / 3.0);
        else
            avro_value_set_null(&branch);
        avro_value_get_by_name(rec, "d", &v, NULL);
        return avro_value_set_double(&v, -(double)i * 0.25);
    }
    snprintf(label, sizeof(label), i % 5 == 0 ? "" : "label-%zu-%s", i, i % 2 ? "odd" : "even");
    avro_value_get_by_name(rec, "flag", &v, NULL);
    avro_value_set_boolean(&v, i % 3 == 0);
    avro_value_get_by_name(rec, "f", &v, NULL);
    avro_value_set_float(&v, (float)i * 1.5f - 1000.0f);
    avro_value_get_by_name(rec, "label", &v, NULL);
    avro_value_set_string(&v, label);
    avro_value_get_by_name(rec, "time", &v, NULL);
    avro_value_set_long(&v, t * unit_time);
    avro_value_get_by_name(rec, "d", &v, NULL);
    avro_value_set_double(&v, (double)i / 7.0);
    avro_value_get_by_name(rec, "i", &v, NULL);
    avro_value_set_int(&v, (int32_t)(i * 2654435761u));
    avro_value_get_by_name(rec, "l", &v, NULL);
    return avro_value_set_long(&v, -(int64_t)i * 1000003LL * 1000003LL);
}

/* Writes n records with libavro and `codec`, a block every `per_block` records. */
static int write_typed(const char *path, const char *schema_json, const char *codec, size_t n,
                       size_t per_block, int64_t unit_time, int with_union)
{
    avro_schema_t schema = NULL;
    avro_file_writer_t w = NULL;
    avro_value_iface_t *iface = NULL;
    avro_value_t rec;
    int rc = -1;

    remove(path);
    if (avro_schema_from_json_length(schema_json, strlen(schema_json), &schema) != 0 ||
        avro_file_writer_create_with_codec(path, schema, &w, codec, 1024 * 1024) != 0)
        goto out;
    iface = avro_generic_class_from_schema(schema);
    avro_generic_value_new(iface, &rec);
    for (size_t i = 0; i < n; i++) {
        avro_value_reset(&rec);
        if (fill_typed(&rec, i, unit_time, with_union) != 0 ||
            avro_file_writer_append_value(w, &rec) != 0)
            break;
        if ((i + 1) % per_block == 0)
            avro_file_writer_flush(w);
    }
    avro_value_decref(&rec);
    rc = 0;
out:
    if (w != NULL)
        avro_file_writer_close(w);
    if (iface != NULL)
        avro_value_iface_decref(iface);
    if (schema != NULL)
        avro_schema_decref(schema);
    return rc;
}

/* The schema text with the time field's logical type, as the relay writes it. */
static char *with_logical_type(const char *schema_json, const char *logical)
{
    char *out = malloc(strlen(schema_json) + 64);
    const char *at = strstr(schema_json, "{\"name\":\"time\",\"type\":\"long\"");
    size_t head = (size_t)(at - schema_json) + strlen("{\"name\":\"time\",\"type\":\"long\"");

    memcpy(out, schema_json, head);
    sprintf(out + head, ",\"logicalType\":\"%s\"%s", logical, schema_json + head);
    return out;
}

/* Copies `from` to `to`, overwriting `len` bytes at `at` with 0xff. */
static void damage_copy(const char *from, const char *to, long at, long len)
{
    run("mkdir -p \"$(dirname '%s')\" && cp '%s' '%s' && "
        "head -c %ld /dev/zero | tr '\\0' '\\377' | dd of='%s' bs=1 seek=%ld conv=notrunc "
        "status=none",
        to, from, to, len, to, at);
}

static void truncate_copy(const char *from, const char *to, long size)
{
    run("mkdir -p \"$(dirname '%s')\" && head -c %ld '%s' > '%s'", to, size, from, to);
}

/*
 * SpeedData's header-less relay files, their schema from a relay.yaml: the
 * compiled decoder against libavro reading the same blocks from memory,
 * over whole files, the newest one cut at offsets across its last blocks
 * (a relay still writing) and an older one damaged in its middle.
 */
static void check_relay(const char *generator)
{
    static const char *sigs[] = {"message", "counter", "sine_wave", "ramp", "square_wave", "noise"};
    const pivot_range all = {INT64_MIN, INT64_MAX};
    char site[700], data[800], newest[1024], older[1024], keep[1024];
    size_t warnings = 0, n;

    snprintf(site, sizeof(site), "%s/site", data_dir);
    snprintf(data, sizeof(data), "%s/data", site);
    CHECK_INT_EQ(run("'%s' --speeddata-root '%s' --format relay --shape example --channels 1 "
                     "--seconds 120 --rate 50 --file-seconds 60 >/dev/null",
                     generator, site),
                 0);
    th_config_set("speeddata.root", site);
    CHECK_INT_EQ(compare_in(data, "ch000", sigs, 6, all, &warnings), 6000);
    CHECK_INT_EQ(warnings, 0);

    /* Cut inside the newest file's last blocks: header, datum, marker. */
    snprintf(newest, sizeof(newest), "%s/ch000/data_%lld.avro", data,
             (long long)(GEN_START_NS / NS + 60));
    snprintf(keep, sizeof(keep), "%s/kept.avro", data_dir);
    run("cp '%s' '%s'", newest, keep);
    long size = fx_file_size(keep);
    long cuts[] = {size - 1, size - 16, size - 17, size - 30, size - 60};
    for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
        truncate_copy(keep, newest, cuts[c]);
        n = compare_in(data, "ch000", sigs, 6, all, &warnings);
        CHECK(n == 6000 || n == 5999);
        CHECK_INT_EQ(warnings, 0);
    }
    run("cp '%s' '%s'", keep, newest);

    /* 200 bytes in the older file's middle overwritten: the blocks they
     * touch are skipped, the rest of the file is read, and a warning. */
    snprintf(older, sizeof(older), "%s/ch000/data_%lld.avro", data, (long long)(GEN_START_NS / NS));
    run("cp '%s' '%s'", older, keep);
    damage_copy(keep, older, fx_file_size(keep) / 2, 200);
    n = compare_in(data, "ch000", sigs, 6, all, &warnings);
    CHECK(n < 6000 && n > 5990);
    CHECK_INT_EQ(warnings, 1);
    run("cp '%s' '%s'", keep, older);
}

/*
 * The decoder compiles for the typed schema and for ["null", "double"]; a
 * column with a validity mask makes its step masked.
 */
static void test_compile(const char *path_typed, const char *path_union)
{
    static const char *names[] = {"a", "b"};
    pva_schema schema;
    pva_decoder dec;
    pva_batch batch;
    size_t field_of[2] = {0, 4};
    char err[PIVOT_ERRMSG_SIZE];

    CHECK_INT_EQ(pva_batch_init(&batch, names, 2), 0);
    CHECK_INT_EQ(pva_schema_load(path_typed, &schema, err, sizeof(err)), 0);
    CHECK_INT_EQ(pva_decoder_compile(&schema, field_of, 2, &batch, &dec), 0);
    CHECK_INT_EQ(dec.nsteps, 7);
    CHECK_INT_EQ(dec.steps[3].column, PVA_STEP_TIME);
    CHECK_INT_EQ(dec.steps[0].column, 0);
    CHECK_INT_EQ(dec.steps[4].column, 1);
    CHECK_INT_EQ(dec.steps[2].kind, PVA_STEP_STRING);
    CHECK_INT_EQ(dec.time_ns_per_unit, 1000);
    pva_decoder_free(&dec);
    pva_schema_clear(&schema);

    CHECK_INT_EQ(pva_schema_load(path_union, &schema, err, sizeof(err)), 0);
    CHECK_INT_EQ(schema.fields[1].supported, 1);
    CHECK_INT_EQ(schema.fields[1].type, PIVOT_TYPE_FLOAT64);
    CHECK_INT_EQ(schema.fields[1].nullable, 1);
    CHECK_INT_EQ(schema.fields[1].null_branch, 0);
    CHECK_INT_EQ(schema.fields[2].nullable, 0);
    size_t union_field_of[2] = {1, 2};
    CHECK_INT_EQ(pva_decoder_compile(&schema, union_field_of, 2, &batch, &dec), 0);
    CHECK_INT_EQ(dec.steps[1].flags, PVA_STEP_NULLABLE);
    CHECK_INT_EQ(dec.steps[1].column, 0);
    CHECK_INT_EQ(dec.steps[2].flags, 0);
    pva_decoder_free(&dec);
    CHECK_INT_EQ(pva_batch_set_nullable(&batch, 0), 0);
    CHECK_INT_EQ(pva_decoder_compile(&schema, union_field_of, 2, &batch, &dec), 0);
    CHECK_INT_EQ(dec.steps[1].flags, PVA_STEP_NULLABLE | PVA_STEP_MASKED);
    CHECK_INT_EQ(dec.steps[2].flags, 0);
    pva_decoder_free(&dec);
    pva_schema_clear(&schema);
    pva_batch_free(&batch);
}

/* The nullable field's values as both decoders deliver them: null is NaN. */
static void check_union_values(void)
{
    void *ctxs[2] = {th_open(data_dir, NULL), th_open(data_dir, "libavro")};
    static const char *sigs[] = {"maybe", "d"};
    const pivot_range all = {INT64_MIN, INT64_MAX};

    for (size_t k = 0; k < 2; k++) {
        capture c;
        size_t bad = 0;

        CHECK_INT_EQ(scan(ctxs[k], "with_union", sigs, 2, all, &c), 0);
        CHECK_INT_EQ(c.samples, 1000);
        for (size_t i = 0; i < c.samples; i++) {
            double maybe, d;
            memcpy(&maybe, c.values + i * 16, 8);
            memcpy(&d, c.values + i * 16 + 8, 8);
            if ((i % 2 ? maybe != (double)i / 3.0 : !isnan(maybe)) || d != -(double)i * 0.25)
                bad++;
        }
        CHECK_INT_EQ(bad, 0);
        capture_free(&c);
        th_source->close(ctxs[k]);
    }
}

/*
 * A channel whose schema gained signals: data_0 has only time, maybe and d
 * (union_schema), data_1 every typed field. The signals data_0 lacks read as
 * the fill of their type there and as their values in data_1; a signal in
 * neither file is still an unknown signal.
 */
static void check_evolution(void)
{
    static const char *sigs[] = {"flag", "f", "label", "d", "i", "l"};
    static const char *unknown[] = {"d", "nosuch"};
    const pivot_range all = {INT64_MIN, INT64_MAX};
    char path[1024], err[PIVOT_ERRMSG_SIZE] = "";
    void *ctx;
    capture c;

    fx_channel_file(path, sizeof(path), data_dir, "evolved", "data_0.avro");
    CHECK_INT_EQ(write_typed(path, union_schema, "null", 1000, 100, 1, 1), 0);
    snprintf(path, sizeof(path), "%s/evolved/data_1.avro", data_dir);
    CHECK_INT_EQ(write_typed(path, typed_schema, "deflate", 500, 64, 1, 0), 0);
    CHECK_INT_EQ(compare("evolved", sigs, 6, all, NULL), 1500);

    ctx = th_open(data_dir, NULL);
    CHECK(ctx != NULL);
    CHECK_INT_EQ(scan(ctx, "evolved", sigs, 6, all, &c), 0);
    CHECK_INT_EQ(c.samples, 1500);
    for (size_t r = 0; r < c.samples && c.samples == 1500; r += 499) {
        const unsigned char *row = c.values + r * 6 * 8;
        uint64_t flag, label, i32, i64;
        float f;
        double d;

        memcpy(&flag, row, 8);
        memcpy(&f, row + 8, 4);
        memcpy(&label, row + 16, 8);
        memcpy(&d, row + 24, 8);
        memcpy(&i32, row + 32, 8);
        memcpy(&i64, row + 40, 8);
        if (r < 1000) {
            CHECK_INT_EQ(flag, 0);
            CHECK(isnan(f));
            CHECK(label == hash_string(""));
            CHECK(d == -(double)r * 0.25);
            CHECK_INT_EQ(i32, 0);
            CHECK_INT_EQ(i64, 0);
        } else {
            size_t i = r - 1000;
            CHECK_INT_EQ(flag, i % 3 == 0);
            CHECK(f == (float)i * 1.5f - 1000.0f);
            CHECK(d == (double)i / 7.0);
            CHECK_INT_EQ((int32_t)i32, (int32_t)(i * 2654435761u));
            CHECK_INT_EQ((int64_t)i64, -(int64_t)i * 1000003LL * 1000003LL);
        }
    }
    capture_free(&c);
    memset(&c, 0, sizeof(c));
    pivot_scan_sink sink = {sizeof(pivot_scan_sink), &c, on_batch, on_warning};
    CHECK_INT_EQ(th_source->scan(ctx, "evolved", unknown, 2, all, &sink, err, sizeof(err)),
                 PIVOT_ENOENT);
    CHECK(strstr(err, "\"nosuch\"") != NULL);
    capture_free(&c);
    th_source->close(ctx);
}

int main(int argc, char **argv)
{
    static const char *gen_sigs[] = {"sig0", "sig1", "sig2", "sig3", "counter"};
    static const char *mode_sigs[] = {"counter", "mode", "sig2"};
    static const char *typed_sigs[] = {"flag", "f", "label", "d", "i", "l"};
    static const char *union_sigs[] = {"maybe", "d"};
    const pivot_range all = {INT64_MIN, INT64_MAX};
    char path[1024], path2[1024];
    size_t warnings = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: %s <pivot-gen-avro> <scratch dir>\n", argv[0]);
        return 2;
    }
    fx_fresh_dir(data_dir, sizeof(data_dir), argv[2], "avro_decoder_data");
    if (th_init() != 0)
        return 1;

    /* Generated channels, both codecs, with and without a string field. */
    CHECK_INT_EQ(run("'%s' --out '%s/null' --channels 1 --seconds 1300 --rate 50 "
                     "--file-seconds 600 >/dev/null",
                     argv[1], data_dir),
                 0);
    CHECK_INT_EQ(run("'%s' --out '%s/deflate' --channels 1 --seconds 1300 --rate 50 "
                     "--codec deflate --with-mode --first-channel 3 >/dev/null",
                     argv[1], data_dir),
                 0);
    run("mv '%s/null/ch000' '%s/gen_null' && mv '%s/deflate/ch003' '%s/gen_deflate'", data_dir,
        data_dir, data_dir, data_dir);
    CHECK_INT_EQ(compare("gen_null", gen_sigs, 5, all, &warnings), 65000);
    CHECK_INT_EQ(warnings, 0);
    CHECK_INT_EQ(compare("gen_deflate", gen_sigs, 5, all, NULL), 65000);
    CHECK_INT_EQ(compare("gen_deflate", mode_sigs, 3, all, NULL), 65000);
    /* Ranges that start and end inside files and blocks, and one on a block edge. */
    pivot_range mid = {GEN_START_NS + 601 * NS + 7 * NS / 50, GEN_START_NS + 1250 * NS};
    CHECK_INT_EQ(compare("gen_null", gen_sigs, 5, mid, NULL), (1250 - 601) * 50 - 7);
    CHECK_INT_EQ(compare("gen_deflate", mode_sigs, 3, mid, NULL), (1250 - 601) * 50 - 7);
    pivot_range edge = {GEN_START_NS + 1000 * NS / 50, GEN_START_NS + 3001 * NS / 50};
    CHECK_INT_EQ(compare("gen_null", gen_sigs, 5, edge, NULL), 2001);
    pivot_range none = {GEN_START_NS + 2000 * NS, GEN_START_NS + 3000 * NS};
    CHECK_INT_EQ(compare("gen_null", gen_sigs, 5, none, NULL), 0);

    check_relay(argv[1]);

    /* libavro-written files: every type, time in millis/micros/nanos, both codecs. */
    static const struct {
        const char *dir, *codec, *logical;
        int64_t unit;
    } typed[] = {
        {"typed_null_micros", "null", "timestamp-micros", 1000},
        {"typed_deflate_millis", "deflate", "timestamp-millis", 1000000},
        {"typed_null_nanos", "null", "timestamp-nanos", 1},
    };
    for (size_t k = 0; k < sizeof(typed) / sizeof(typed[0]); k++) {
        char *text = with_logical_type(typed_schema, typed[k].logical);
        fx_channel_file(path, sizeof(path), data_dir, typed[k].dir, "data_0.avro");
        CHECK_INT_EQ(write_typed(path, typed_schema, typed[k].codec, 5000, 333, 1, 0), 0);
        CHECK_INT_EQ(fx_set_header_schema(path, text), 0);
        free(text);
        CHECK_INT_EQ(compare(typed[k].dir, typed_sigs, 6, all, NULL), 5000);
        /* Times 7 units apart (one in three a unit later): a range in time units. */
        pivot_range part = {1000 * 7 * typed[k].unit, 3000 * 7 * typed[k].unit};
        CHECK_INT_EQ(compare(typed[k].dir, typed_sigs, 6, part, NULL), 2000);
    }

    /* A nullable double: both decoders read null as NaN. */
    fx_channel_file(path2, sizeof(path2), data_dir, "with_union", "data_0.avro");
    CHECK_INT_EQ(write_typed(path2, union_schema, "null", 1000, 100, 1, 1), 0);
    CHECK_INT_EQ(compare("with_union", union_sigs, 2, all, NULL), 1000);
    check_union_values();
    check_evolution();
    snprintf(path, sizeof(path), "%s/typed_null_micros/data_0.avro", data_dir);
    test_compile(path, path2);

    /*
     * Truncated files, cut inside a block, inside a sync marker and in the
     * header. Each is its channel's only file, hence its newest, which a
     * relay may still be appending to: whole blocks are read and the cut
     * one is left without a warning; only a damaged header is reported.
     * (Cuts in older files are reported: test_avro_source, "trunc".)
     */
    static const char *cut_codecs[] = {"null", "deflate"};
    for (size_t k = 0; k < 2; k++) {
        snprintf(path, sizeof(path), "%s/%s/data_0.avro", data_dir,
                 k == 0 ? "typed_null_micros" : "typed_deflate_millis");
        long size = fx_file_size(path);
        long cuts[] = {size - 16 - 1, size - 16 - 30, size / 2, 40};
        for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
            char dir[64];
            snprintf(dir, sizeof(dir), "cut_%s_%zu", cut_codecs[k], c);
            snprintf(path2, sizeof(path2), "%s/%s/data_0.avro", data_dir, dir);
            truncate_copy(path, path2, cuts[c]);
            size_t n = compare(dir, typed_sigs, 6, all, &warnings);
            CHECK_INT_EQ(warnings, cuts[c] == 40 ? 1 : 0);
            CHECK(n < 5000);
        }
    }
    /* Cut inside the last sync marker: every record is there, and no warning (live). */
    snprintf(path, sizeof(path), "%s/typed_null_nanos/data_0.avro", data_dir);
    snprintf(path2, sizeof(path2), "%s/cut_sync/data_0.avro", data_dir);
    truncate_copy(path, path2, fx_file_size(path) - 5);
    CHECK_INT_EQ(compare("cut_sync", typed_sigs, 6, all, &warnings), 5000);
    CHECK_INT_EQ(warnings, 0);

    fx_remove_tree(data_dir);
    return check_report();
}
