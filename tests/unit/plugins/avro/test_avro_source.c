/*
 * Unit tests of the avro data source plugin: loads the built avro.so,
 * writes fixture channels into a temporary data directory and checks
 * listing, description and scans value by value.
 *
 * Usage: test_avro_source <avro.so> [<reference generator script>]
 */
#include "check.h"
#include "test_avro_source_fixture.h"

#include <math.h>
#include <pivot/plugin.h>
#include <pivot/test_host.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define NS 1000000000LL
#define GEN_START_NS (1735689600LL * NS) /* 2025-01-01T00:00:00Z */
#define GEN_RATE 10
#define GEN_SECONDS 40
#define GEN_SIGNALS 4
#define BIG_RECORDS 70000

static const pivot_source *source;
static void *ctx;
static char data_dir[256];
static char msg[PIVOT_ERRMSG_SIZE];

/* ---- the plugin, on the SDK's test host ---- */

static int load_plugin(const char *so_path)
{
    const pivot_magic *magic = NULL;
    char err[PIVOT_ERRMSG_SIZE] = "";

    /* The fixtures' times are small counts of nanoseconds without a logical
     * type, which the plugin would otherwise take for seconds. */
    pivot_test_host_set("storage.time_unit", "ns");
    pivot_test_host_echo_log(PIVOT_LOG_WARNING);
    CHECK_INT_EQ(pivot_test_host_load_file(so_path, &magic, err, sizeof(err)), 0);
    CHECK(magic != NULL);
    if (magic == NULL) {
        fprintf(stderr, "%s: %s\n", so_path, err);
        return -1;
    }
    CHECK_STR_EQ(magic->name, "avro");
    CHECK_INT_EQ(magic->abi_major, PIVOT_ABI_MAJOR);
    CHECK_INT_EQ(magic->size, sizeof(pivot_magic));
    source = pivot_test_host_source("avro");
    CHECK(source != NULL);
    if (source == NULL)
        return -1;
    CHECK_STR_EQ(source->name, "avro");
    CHECK_INT_EQ(source->size, sizeof(pivot_source));
    return 0;
}

/* ---- a sink that records what it receives ---- */

typedef struct sample {
    int64_t time;
    double d[4];    /* float64 columns, in request order */
    int64_t n;      /* the one integer column (int32 or int64) */
    char label[24]; /* the one string column */
} sample;

typedef struct recorder {
    sample *samples;
    size_t count, cap;
    size_t batches;
    size_t batch_sizes[8];
    size_t warnings;
    char warning[PIVOT_ERRMSG_SIZE];
    int stop_with; /* returned from the first batch when non-zero */
    pivot_type types[8];
    int type_mismatch;
} recorder;

static int record_batch(void *arg, const pivot_batch *b)
{
    recorder *r = arg;

    if (r->batches < 8)
        r->batch_sizes[r->batches] = b->count;
    r->batches++;
    if (r->count + b->count > r->cap) {
        r->cap = (r->count + b->count) * 2;
        r->samples = realloc(r->samples, r->cap * sizeof(*r->samples));
    }
    for (size_t i = 0; i < b->count; i++) {
        sample *s = &r->samples[r->count + i];
        size_t nd = 0;

        memset(s, 0, sizeof(*s));
        s->time = b->time[i];
        for (size_t c = 0; c < b->ncolumns; c++) {
            const pivot_column *col = &b->columns[c];
            if (c < 8 && col->type != r->types[c])
                r->type_mismatch = 1;
            switch (col->type) {
            case PIVOT_TYPE_FLOAT64:
                if (nd < 4)
                    s->d[nd++] = ((const double *)col->data)[i];
                break;
            case PIVOT_TYPE_INT32:
                s->n = ((const int32_t *)col->data)[i];
                break;
            case PIVOT_TYPE_INT64:
                s->n = ((const int64_t *)col->data)[i];
                break;
            case PIVOT_TYPE_STRING:
                snprintf(s->label, sizeof(s->label), "%s", ((const char *const *)col->data)[i]);
                break;
            default:
                break;
            }
        }
    }
    r->count += b->count;
    return r->batches == 1 ? r->stop_with : 0;
}

static void record_warning(void *arg, const char *message)
{
    recorder *r = arg;
    r->warnings++;
    snprintf(r->warning, sizeof(r->warning), "%s", message);
}

static int scan(const char *channel, const char *const *signals, size_t n, int64_t start,
                int64_t end, recorder *r)
{
    pivot_scan_sink sink = {sizeof(pivot_scan_sink), r, record_batch, record_warning};
    pivot_range range = {start, end};

    msg[0] = '\0';
    return source->scan(ctx, channel, signals, n, range, &sink, msg, sizeof(msg));
}

static void recorder_reset(recorder *r, int stop_with)
{
    free(r->samples);
    memset(r, 0, sizeof(*r));
    r->stop_with = stop_with;
}

/* ---- fixtures ---- */

static void path_of(char *buf, size_t len, const char *rel)
{
    snprintf(buf, len, "%s/%s", data_dir, rel);
}

static void make_dir(const char *rel)
{
    char p[512];
    path_of(p, sizeof(p), rel);
    CHECK_INT_EQ(mkdir(p, 0755), 0);
}

typedef struct series {
    int64_t t0, step; /* time of record i = t0 + i*step, in the file's unit */
} series;

/* Schema {time long, x int}: x = i. */
static int fill_time_x(avro_value_t *rec, size_t i, void *arg)
{
    const series *s = arg;
    avro_value_t f;
    return avro_value_get_by_name(rec, "time", &f, NULL) ||
           avro_value_set_long(&f, s->t0 + (int64_t)i * s->step) ||
           avro_value_get_by_name(rec, "x", &f, NULL) || avro_value_set_int(&f, (int32_t)i);
}

/* Schema {time long, x int, y double}: x = i, y = i / 4. */
static int fill_time_x_y(avro_value_t *rec, size_t i, void *arg)
{
    avro_value_t f;
    return fill_time_x(rec, i, arg) || avro_value_get_by_name(rec, "y", &f, NULL) ||
           avro_value_set_double(&f, (double)i / 4);
}

#define TX_SCHEMA                                                                                  \
    "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"time\",\"type\":\"long\"},"       \
    "{\"name\":\"x\",\"type\":\"int\"}]}"
#define TXY_SCHEMA                                                                                 \
    "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"time\",\"type\":\"long\"},"       \
    "{\"name\":\"x\",\"type\":\"int\"},{\"name\":\"y\",\"type\":\"double\"}]}"

static void write_tx(const char *rel, size_t n, int64_t t0, int64_t step)
{
    char p[512];
    series s = {t0, step};
    path_of(p, sizeof(p), rel);
    CHECK_INT_EQ(fx_write_file(p, TX_SCHEMA, n, 1000, fill_time_x, &s, NULL, 0), 0);
}

static void write_junk(const char *rel)
{
    char p[512];
    FILE *fp;
    path_of(p, sizeof(p), rel);
    fp = fopen(p, "wb");
    CHECK(fp != NULL);
    if (fp != NULL) {
        fputs("this is not an Avro file", fp);
        fclose(fp);
    }
}

/* Schema {time long, label string, n long}: label "v<i>", empty every 7th; n = -i. */
static int fill_big(avro_value_t *rec, size_t i, void *arg)
{
    avro_value_t f;
    char label[24] = "";
    if (i % 7 != 0)
        snprintf(label, sizeof(label), "v%zu", i);
    return avro_value_get_by_name(rec, "time", &f, NULL) ||
           avro_value_set_long(&f, 5 * NS + (int64_t)i * 1000) ||
           avro_value_get_by_name(rec, "label", &f, NULL) || avro_value_set_string(&f, label) ||
           avro_value_get_by_name(rec, "n", &f, NULL) || avro_value_set_long(&f, -(int64_t)i);
}

/* Every primitive type, a nullable double and an array, which is not offered. */
#define TYPES_SCHEMA                                                                               \
    "{\"type\":\"record\",\"name\":\"t\",\"fields\":[{\"name\":\"i\",\"type\":\"int\"},"           \
    "{\"name\":\"time\",\"type\":\"long\"},{\"name\":\"l\",\"type\":\"long\"},"                    \
    "{\"name\":\"raw\",\"type\":\"bytes\"},{\"name\":\"f\",\"type\":\"float\"},"                   \
    "{\"name\":\"d\",\"type\":\"double\"},{\"name\":\"b\",\"type\":\"boolean\"},"                  \
    "{\"name\":\"opt\",\"type\":[\"null\",\"double\"]},{\"name\":\"s\",\"type\":\"string\"},"      \
    "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"int\"}}]}"

static int fill_types(avro_value_t *rec, size_t i, void *arg)
{
    avro_value_t f, branch;
    char s[16];
    snprintf(s, sizeof(s), "s%zu", i);
    return avro_value_get_by_name(rec, "i", &f, NULL) || avro_value_set_int(&f, -7 * (int)i) ||
           avro_value_get_by_name(rec, "time", &f, NULL) ||
           avro_value_set_long(&f, 100 + (int64_t)i) ||
           avro_value_get_by_name(rec, "l", &f, NULL) ||
           avro_value_set_long(&f, ((int64_t)1 << 40) + (int64_t)i) ||
           avro_value_get_by_name(rec, "raw", &f, NULL) || avro_value_set_bytes(&f, "ab", 2) ||
           avro_value_get_by_name(rec, "f", &f, NULL) || avro_value_set_float(&f, 0.25f * i) ||
           avro_value_get_by_name(rec, "d", &f, NULL) || avro_value_set_double(&f, 1.5 * i) ||
           avro_value_get_by_name(rec, "b", &f, NULL) || avro_value_set_boolean(&f, i % 2) ||
           avro_value_get_by_name(rec, "opt", &f, NULL) || avro_value_set_branch(&f, 0, &branch) ||
           avro_value_set_null(&branch) || avro_value_get_by_name(rec, "s", &f, NULL) ||
           avro_value_set_string(&f, s);
}

static long trunc_block_ends[8];

static void make_fixtures(const char *generator)
{
    char p[512], cmd[1024], target[512];

    /* The reference generator when available, else its C twin. */
    if (generator != NULL && access(generator, R_OK) == 0) {
        snprintf(cmd, sizeof(cmd),
                 "/usr/bin/python3 %s --out %s --channels 2 --seconds %d --rate %d "
                 "--file-seconds 10 --jobs 1 >/dev/null",
                 generator, data_dir, GEN_SECONDS, GEN_RATE);
        printf("fixtures: reference generator %s\n", generator);
        CHECK_INT_EQ(system(cmd), 0);
    } else {
        printf("fixtures: C generator (no reference generator given)\n");
        for (int c = 0; c < 2; c++)
            CHECK_INT_EQ(
                fx_gen_channel(data_dir, c, GEN_SIGNALS, GEN_START_NS, GEN_SECONDS, GEN_RATE, 10),
                0);
    }

    make_dir("types");
    path_of(p, sizeof(p), "types/data_0.avro");
    CHECK_INT_EQ(fx_write_file(p, TYPES_SCHEMA, 3, 1000, fill_types, NULL, NULL, 0), 0);

    make_dir("big");
    path_of(p, sizeof(p), "big/stream.avro");
    CHECK_INT_EQ(fx_write_file(p,
                               "{\"type\":\"record\",\"name\":\"b\",\"fields\":["
                               "{\"name\":\"time\",\"type\":\"long\"},"
                               "{\"name\":\"label\",\"type\":\"string\"},"
                               "{\"name\":\"n\",\"type\":\"long\"}]}",
                               BIG_RECORDS, 5000, fill_big, NULL, NULL, 0),
                 0);

    /* Logical types: on the type (micros) and as a field attribute (millis). */
    make_dir("micros");
    write_tx("micros/data_1735689600.avro", 10, 1735689600LL * 1000000, 1000);
    path_of(p, sizeof(p), "micros/data_1735689600.avro");
    CHECK_INT_EQ(fx_set_header_schema(
                     p, "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"time\","
                        "\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-micros\"}},"
                        "{\"name\":\"x\",\"type\":\"int\"}]}"),
                 0);
    make_dir("millis");
    write_tx("millis/data_1735689600.avro", 10, 1735689600LL * 1000, 250);
    path_of(p, sizeof(p), "millis/data_1735689600.avro");
    CHECK_INT_EQ(fx_set_header_schema(
                     p, "{\"type\":\"record\",\"name\":\"r\",\"fields\":[{\"name\":\"time\","
                        "\"type\":\"long\",\"logicalType\":\"timestamp-millis\"},"
                        "{\"name\":\"x\",\"type\":\"int\"}]}"),
                 0);

    make_dir("notime");
    path_of(p, sizeof(p), "notime/a.avro");
    {
        series s = {0, 1};
        CHECK_INT_EQ(fx_write_file(p,
                                   "{\"type\":\"record\",\"name\":\"r\",\"fields\":["
                                   "{\"name\":\"stamp\",\"type\":\"long\"},"
                                   "{\"name\":\"x\",\"type\":\"int\"}]}",
                                   0, 1000, fill_time_x, &s, NULL, 0),
                     0);
    }

    /* Pruning: junk files that a correct pruning never opens. */
    make_dir("prune");
    write_junk("prune/data_100.avro");
    write_tx("prune/data_110.avro", 100, 110 * NS, NS / 10);
    write_tx("prune/data_120.avro", 100, 120 * NS, NS / 10);
    write_junk("prune/data_130.avro");

    /* Ordering: numbered files by number, then the others by name; newest schema last. */
    make_dir("misc");
    write_tx("misc/data_10.avro", 10, 10 * NS, NS / 10);
    write_tx("misc/data_5.avro", 10, 5 * NS, NS / 10);
    write_tx("misc/aa.avro", 10, 20 * NS, NS / 10);
    {
        series s = {30 * NS, NS / 10};
        path_of(p, sizeof(p), "misc/zz.avro");
        CHECK_INT_EQ(fx_write_file(p, TXY_SCHEMA, 10, 1000, fill_time_x_y, &s, NULL, 0), 0);
    }

    /* A file cut in the middle of its fourth block, then an intact one. */
    make_dir("trunc");
    {
        series s = {1000 * NS, NS / 100};
        path_of(p, sizeof(p), "trunc/data_1000.avro");
        CHECK_INT_EQ(fx_write_file(p, TX_SCHEMA, 300, 50, fill_time_x, &s, trunc_block_ends, 8), 0);
        CHECK_INT_EQ(truncate(p, (trunc_block_ends[2] + trunc_block_ends[3]) / 2), 0);
    }
    write_tx("trunc/data_1010.avro", 100, 1010 * NS, NS / 100);

    /* Things list_channels must leave out, and one it must keep. */
    make_dir("empty");
    make_dir("Upper");
    make_dir(".hidden");
    make_dir("bad name");
    write_junk("file.txt");
    path_of(p, sizeof(p), "escape");
    CHECK_INT_EQ(symlink("/tmp", p), 0);
    path_of(p, sizeof(p), "link");
    path_of(target, sizeof(target), "big");
    CHECK_INT_EQ(symlink(target, p), 0);
}

/* ---- tests ---- */

typedef struct name_list {
    char names[32][32];
    size_t count;
} name_list;

static int collect_name(void *arg, const char *channel)
{
    name_list *l = arg;
    if (l->count < 32)
        snprintf(l->names[l->count], sizeof(l->names[0]), "%s", channel);
    l->count++;
    return 0;
}

static int stop_listing(void *arg, const char *channel)
{
    return 9;
}

static void test_list_channels(void)
{
    static const char *expected[] = {"Upper",  "big",  "ch000",  "ch001", "empty", "link", "micros",
                                     "millis", "misc", "notime", "prune", "trunc", "types"};
    size_t n = sizeof(expected) / sizeof(expected[0]);
    name_list l = {0};

    CHECK_INT_EQ(source->list_channels(ctx, collect_name, &l, msg, sizeof(msg)), 0);
    CHECK_INT_EQ(l.count, n);
    for (size_t i = 0; i < n && i < l.count; i++)
        CHECK_STR_EQ(l.names[i], expected[i]);
    CHECK_INT_EQ(source->list_channels(ctx, stop_listing, NULL, msg, sizeof(msg)), 9);
}

static void test_invalid_names(void)
{
    static const char *bad[] = {"../x", "a/b",     "..",       ".",    "",        "a..b",
                                "-x",   ".hidden", "bad name", "/etc", "x/../big"};
    pivot_channel_info *info = NULL;
    recorder r = {0};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_INT_EQ(source->describe(ctx, bad[i], &info, msg, sizeof(msg)), PIVOT_EINVAL);
        CHECK(info == NULL);
        CHECK_INT_EQ(scan(bad[i], NULL, 0, 0, INT64_MAX, &r), PIVOT_EINVAL);
    }
    CHECK_INT_EQ(source->describe(ctx, "nochan", &info, msg, sizeof(msg)), PIVOT_ENOENT);
    CHECK_INT_EQ(scan("nochan", NULL, 0, 0, INT64_MAX, &r), PIVOT_ENOENT);
    /* A symbolic link leaving the data directory is no channel. */
    CHECK_INT_EQ(source->describe(ctx, "escape", &info, msg, sizeof(msg)), PIVOT_ENOENT);
    CHECK_INT_EQ(r.batches, 0);
}

static void test_describe_gen(void)
{
    pivot_channel_info *info = NULL;
    char *schema = fx_gen_schema(GEN_SIGNALS);
    static const char *names[] = {"sig0", "sig1", "sig2", "sig3", "counter"};

    CHECK_INT_EQ(source->describe(ctx, "ch001", &info, msg, sizeof(msg)), 0);
    CHECK(info != NULL);
    if (info != NULL) {
        CHECK_STR_EQ(info->name, "ch001");
        CHECK_INT_EQ(info->nsignals, 5);
        for (size_t i = 0; i < 5 && i < info->nsignals; i++) {
            CHECK_STR_EQ(info->signals[i].name, names[i]);
            CHECK_INT_EQ(info->signals[i].type, i < 4 ? PIVOT_TYPE_FLOAT64 : PIVOT_TYPE_INT32);
        }
        CHECK_STR_EQ(info->schema, schema);
    }
    source->free_info(ctx, info);
    free(schema);
}

static void test_describe_types(void)
{
    pivot_channel_info *info = NULL;
    /* ["null", "double"] is a nullable float64; the array is listed as unsupported. */
    static const char *names[] = {"i", "l", "raw", "f", "d", "b", "opt", "s"};
    static const pivot_type types[] = {PIVOT_TYPE_INT32,   PIVOT_TYPE_INT64,   PIVOT_TYPE_BYTES,
                                       PIVOT_TYPE_FLOAT32, PIVOT_TYPE_FLOAT64, PIVOT_TYPE_BOOL,
                                       PIVOT_TYPE_FLOAT64, PIVOT_TYPE_STRING};

    CHECK_INT_EQ(source->describe(ctx, "types", &info, msg, sizeof(msg)), 0);
    CHECK(info != NULL);
    if (info == NULL)
        return;
    CHECK_INT_EQ(info->nsignals, 8);
    for (size_t i = 0; i < 8 && i < info->nsignals; i++) {
        CHECK_STR_EQ(info->signals[i].name, names[i]);
        CHECK_INT_EQ(info->signals[i].type, types[i]);
        CHECK(info->details != NULL && info->details[i] != NULL &&
              info->details[i]->nullable == (i == 6));
    }
    CHECK_INT_EQ(info->nunsupported, 1);
    if (info->nunsupported == 1) {
        CHECK_STR_EQ(info->unsupported[0].name, "tags");
        CHECK_STR_EQ(info->unsupported[0].source_type, "array");
    }
    source->free_info(ctx, info);
    source->free_info(ctx, NULL);

    CHECK_INT_EQ(source->describe(ctx, "empty", &info, msg, sizeof(msg)), 0);
    CHECK(info != NULL && info->nsignals == 0 && info->schema == NULL);
    source->free_info(ctx, info);

    /* The newest file's schema: zz.avro comes last and adds y. */
    CHECK_INT_EQ(source->describe(ctx, "misc", &info, msg, sizeof(msg)), 0);
    CHECK(info != NULL && info->nsignals == 2);
    if (info != NULL && info->nsignals == 2) {
        CHECK_STR_EQ(info->signals[0].name, "x");
        CHECK_STR_EQ(info->signals[1].name, "y");
    }
    source->free_info(ctx, info);
}

/* Checks samples against the generator formulas for columns sig0, sig3, counter (in that order). */
static void check_gen_samples(const recorder *r, int c, int64_t i0, size_t n)
{
    size_t bad = 0;

    CHECK_INT_EQ(r->count, n);
    for (size_t k = 0; k < n && k < r->count; k++) {
        const sample *s = &r->samples[k];
        int64_t i = i0 + (int64_t)k;
        if (s->time != GEN_START_NS + i * NS / GEN_RATE || s->n != i ||
            s->d[0] != fx_gen_signal(c, 0, i, GEN_RATE) ||
            s->d[1] != fx_gen_signal(c, 3, i, GEN_RATE)) {
            if (bad++ == 0)
                fprintf(stderr, "sample %lld: time %lld counter %lld sig0 %.17g sig3 %.17g\n",
                        (long long)i, (long long)s->time, (long long)s->n, s->d[0], s->d[1]);
        }
    }
    CHECK_INT_EQ(bad, 0);
}

static void test_scan_gen(void)
{
    static const char *sigs[] = {"sig0", "sig3", "counter"};
    recorder r = {0};
    int64_t t5 = GEN_START_NS + 5 * NS / GEN_RATE, t15 = GEN_START_NS + 15 * NS / GEN_RATE;

    r.types[0] = r.types[1] = PIVOT_TYPE_FLOAT64;
    r.types[2] = PIVOT_TYPE_INT32;
    /* Whole channel: four files. */
    CHECK_INT_EQ(scan("ch001", sigs, 3, 0, INT64_MAX, &r), 0);
    check_gen_samples(&r, 1, 0, GEN_SECONDS * GEN_RATE);
    CHECK_INT_EQ(r.batches, 1);
    CHECK_INT_EQ(r.warnings, 0);
    CHECK_INT_EQ(r.type_mismatch, 0);

    /* A sample exactly at start is in, one exactly at end is out. */
    recorder_reset(&r, 0);
    r.types[0] = r.types[1] = PIVOT_TYPE_FLOAT64;
    r.types[2] = PIVOT_TYPE_INT32;
    CHECK_INT_EQ(scan("ch001", sigs, 3, t5, t15, &r), 0);
    check_gen_samples(&r, 1, 5, 10);
    recorder_reset(&r, 0);
    r.types[0] = r.types[1] = PIVOT_TYPE_FLOAT64;
    r.types[2] = PIVOT_TYPE_INT32;
    CHECK_INT_EQ(scan("ch000", sigs, 3, t5 + 1, t15 + 1, &r), 0);
    check_gen_samples(&r, 0, 6, 10);

    /* Across file boundaries (files every 10 s = 100 samples). */
    recorder_reset(&r, 0);
    r.types[0] = r.types[1] = PIVOT_TYPE_FLOAT64;
    r.types[2] = PIVOT_TYPE_INT32;
    CHECK_INT_EQ(
        scan("ch000", sigs, 3, GEN_START_NS + 9950 * NS / 1000, GEN_START_NS + 30 * NS + 1, &r), 0);
    check_gen_samples(&r, 0, 100, 300 - 100 + 1);

    /* Empty and inverted ranges. */
    recorder_reset(&r, 0);
    CHECK_INT_EQ(scan("ch000", sigs, 3, t5, t5, &r), 0);
    CHECK_INT_EQ(scan("ch000", sigs, 3, t15, t5, &r), 0);
    CHECK_INT_EQ(scan("ch000", sigs, 3, 0, GEN_START_NS, &r), 0);
    CHECK_INT_EQ(r.batches, 0);

    /* No signals: times only. */
    CHECK_INT_EQ(scan("ch000", NULL, 0, t5, t15, &r), 0);
    CHECK_INT_EQ(r.count, 10);
    recorder_reset(&r, 0);
}

/* Captures the "types" channel: columns s, b, f, l, i, d of its three records. */
typedef struct types_capture {
    char s[3][8];
    uint8_t b[3];
    float f[3];
    int64_t l[3];
    int32_t i[3];
    double d[3];
    int64_t time[3];
    size_t count;
    int types_ok;
} types_capture;

static int types_batch(void *arg, const pivot_batch *b)
{
    static const pivot_type want[] = {PIVOT_TYPE_STRING, PIVOT_TYPE_BOOL,  PIVOT_TYPE_FLOAT32,
                                      PIVOT_TYPE_INT64,  PIVOT_TYPE_INT32, PIVOT_TYPE_FLOAT64};
    types_capture *cap = arg;

    cap->types_ok = b->ncolumns == 6;
    for (size_t c = 0; c < 6 && c < b->ncolumns; c++)
        cap->types_ok &= b->columns[c].type == want[c];
    if (!cap->types_ok)
        return 1;
    for (size_t k = 0; k < b->count && cap->count < 3; k++, cap->count++) {
        size_t n = cap->count;
        cap->time[n] = b->time[k];
        snprintf(cap->s[n], sizeof(cap->s[n]), "%s", ((const char *const *)b->columns[0].data)[k]);
        cap->b[n] = ((const uint8_t *)b->columns[1].data)[k];
        cap->f[n] = ((const float *)b->columns[2].data)[k];
        cap->l[n] = ((const int64_t *)b->columns[3].data)[k];
        cap->i[n] = ((const int32_t *)b->columns[4].data)[k];
        cap->d[n] = ((const double *)b->columns[5].data)[k];
    }
    return 0;
}

static void test_scan_types_and_errors(void)
{
    static const char *sigs[] = {"s", "b", "f", "l", "i", "d"};
    static const char *bad_sig[] = {"x", "tags"};
    static const char *time_sig[] = {"time"};
    static const char *y[] = {"y"};
    types_capture cap = {0};
    pivot_scan_sink sink = {sizeof(pivot_scan_sink), &cap, types_batch, NULL};
    pivot_range range = {0, INT64_MAX};
    pivot_channel_info *info = NULL;
    recorder r = {0};

    CHECK_INT_EQ(source->scan(ctx, "types", sigs, 6, range, &sink, msg, sizeof(msg)), 0);
    CHECK_INT_EQ(cap.count, 3);
    CHECK_INT_EQ(cap.types_ok, 1);
    for (int k = 0; k < 3; k++) {
        char s[8];
        snprintf(s, sizeof(s), "s%d", k);
        CHECK_INT_EQ(cap.time[k], 100 + k);
        CHECK_STR_EQ(cap.s[k], s);
        CHECK_INT_EQ(cap.b[k], k % 2);
        CHECK(cap.f[k] == 0.25f * k);
        CHECK_INT_EQ(cap.l[k], ((int64_t)1 << 40) + k);
        CHECK_INT_EQ(cap.i[k], -7 * k);
        CHECK(cap.d[k] == 1.5 * k);
    }

    /* Unknown signals, a field of an unsupported type, and time itself are not signals. */
    CHECK_INT_EQ(scan("types", bad_sig, 1, 0, INT64_MAX, &r), PIVOT_ENOENT);
    CHECK(strstr(msg, "\"x\"") != NULL && strstr(msg, "data_0.avro") != NULL);
    CHECK_INT_EQ(scan("types", bad_sig + 1, 1, 0, INT64_MAX, &r), PIVOT_ENOENT);
    CHECK_INT_EQ(scan("types", time_sig, 1, 0, INT64_MAX, &r), PIVOT_ENOENT);
    CHECK_INT_EQ(r.batches, 0);

    /* No time field. */
    CHECK_INT_EQ(source->describe(ctx, "notime", &info, msg, sizeof(msg)), PIVOT_EINVAL);
    CHECK(info == NULL);
    CHECK(strstr(msg, "no usable time field") != NULL);
    CHECK_INT_EQ(scan("notime", NULL, 0, 0, INT64_MAX, &r), PIVOT_EINVAL);
    CHECK(strstr(msg, "no usable time field") != NULL);

    /* A signal missing from the older files of the channel reads as NaN there. */
    recorder_reset(&r, 0);
    r.types[0] = PIVOT_TYPE_FLOAT64;
    CHECK_INT_EQ(scan("misc", y, 1, 0, INT64_MAX, &r), 0);
    CHECK_INT_EQ(r.count, 40);
    CHECK_INT_EQ(r.type_mismatch, 0);
    for (size_t k = 0; k < r.count && r.count == 40; k++) {
        if (k < 30)
            CHECK(isnan(r.samples[k].d[0]));
        else
            CHECK(r.samples[k].d[0] == (double)(k - 30) / 4);
    }
    recorder_reset(&r, 0);
}

static void test_logical_types(void)
{
    static const char *x[] = {"x"};
    recorder r = {0};
    int64_t base = 1735689600LL * NS;

    /* timestamp-micros on the type: 1 ms steps. */
    r.types[0] = PIVOT_TYPE_INT32;
    CHECK_INT_EQ(scan("micros", x, 1, base + 3 * 1000000, base + 7 * 1000000, &r), 0);
    CHECK_INT_EQ(r.count, 4);
    for (size_t k = 0; k < r.count && k < 4; k++) {
        CHECK_INT_EQ(r.samples[k].time, base + (int64_t)(k + 3) * 1000000);
        CHECK_INT_EQ(r.samples[k].n, k + 3);
    }
    CHECK_INT_EQ(r.type_mismatch, 0);

    /* timestamp-millis as a field attribute: 250 ms steps. */
    recorder_reset(&r, 0);
    r.types[0] = PIVOT_TYPE_INT32;
    CHECK_INT_EQ(scan("millis", x, 1, base + 250 * 1000000LL, base + 1000 * 1000000LL, &r), 0);
    CHECK_INT_EQ(r.count, 3);
    for (size_t k = 0; k < r.count && k < 3; k++) {
        CHECK_INT_EQ(r.samples[k].time, base + (int64_t)(k + 1) * 250000000);
        CHECK_INT_EQ(r.samples[k].n, k + 1);
    }
    recorder_reset(&r, 0);
}

static void test_strings_and_batches(void)
{
    static const char *sigs[] = {"n", "label"};
    recorder r = {0};
    size_t bad = 0;

    r.types[0] = PIVOT_TYPE_INT64;
    r.types[1] = PIVOT_TYPE_STRING;
    CHECK_INT_EQ(scan("big", sigs, 2, 0, INT64_MAX, &r), 0);
    CHECK_INT_EQ(r.count, BIG_RECORDS);
    CHECK_INT_EQ(r.batches, 2);
    CHECK_INT_EQ(r.batch_sizes[0], 65536);
    CHECK_INT_EQ(r.batch_sizes[1], BIG_RECORDS - 65536);
    CHECK_INT_EQ(r.type_mismatch, 0);
    for (size_t i = 0; i < r.count; i++) {
        char label[24] = "";
        if (i % 7 != 0)
            snprintf(label, sizeof(label), "v%zu", i);
        if (r.samples[i].time != 5 * NS + (int64_t)i * 1000 || r.samples[i].n != -(int64_t)i ||
            strcmp(r.samples[i].label, label) != 0)
            bad++;
    }
    CHECK_INT_EQ(bad, 0);

    /* The same channel through a symbolic link that stays inside. */
    recorder_reset(&r, 0);
    r.types[0] = PIVOT_TYPE_INT64;
    r.types[1] = PIVOT_TYPE_STRING;
    CHECK_INT_EQ(scan("link", sigs, 2, 5 * NS + 1000, 5 * NS + 3000, &r), 0);
    CHECK_INT_EQ(r.count, 2);
    if (r.count == 2) {
        CHECK_STR_EQ(r.samples[0].label, "v1");
        CHECK_STR_EQ(r.samples[1].label, "v2");
    }

    /* A non-zero sink return stops the scan and is returned. */
    recorder_reset(&r, 42);
    r.types[0] = PIVOT_TYPE_INT64;
    r.types[1] = PIVOT_TYPE_STRING;
    CHECK_INT_EQ(scan("big", sigs, 2, 0, INT64_MAX, &r), 42);
    CHECK_INT_EQ(r.batches, 1);
    recorder_reset(&r, 0);
}

static void test_pruning_and_order(void)
{
    static const char *x[] = {"x"};
    recorder r = {0};

    /* data_100 holds records < first of data_110 < 111 s: skipped; data_130 starts at the end. */
    CHECK_INT_EQ(scan("prune", x, 1, 111 * NS, 130 * NS, &r), 0);
    CHECK_INT_EQ(r.warnings, 0);
    CHECK_INT_EQ(r.count, 190);
    if (r.count == 190) {
        CHECK_INT_EQ(r.samples[0].time, 111 * NS);
        CHECK_INT_EQ(r.samples[0].n, 10);
        CHECK_INT_EQ(r.samples[189].time, 129 * NS + 9 * (NS / 10));
    }

    /* data_110's first record may be as late as 110.999 s: data_100 must be read. */
    recorder_reset(&r, 0);
    CHECK_INT_EQ(scan("prune", x, 1, 110 * NS + NS / 2, 125 * NS, &r), 0);
    CHECK_INT_EQ(r.warnings, 1);
    CHECK(strstr(r.warning, "data_100.avro") != NULL);
    CHECK_INT_EQ(r.count, 95 + 50);

    /* One nanosecond more at the end reaches data_130. */
    recorder_reset(&r, 0);
    CHECK_INT_EQ(scan("prune", x, 1, 111 * NS, 130 * NS + 1, &r), 0);
    CHECK_INT_EQ(r.warnings, 1);
    CHECK(strstr(r.warning, "data_130.avro") != NULL);
    CHECK_INT_EQ(r.count, 190);

    /* data_5 < data_10 (by number, not by name) < aa.avro < zz.avro. */
    recorder_reset(&r, 0);
    CHECK_INT_EQ(scan("misc", x, 1, 0, INT64_MAX, &r), 0);
    CHECK_INT_EQ(r.count, 40);
    if (r.count == 40) {
        CHECK_INT_EQ(r.samples[0].time, 5 * NS);
        CHECK_INT_EQ(r.samples[10].time, 10 * NS);
        CHECK_INT_EQ(r.samples[20].time, 20 * NS);
        CHECK_INT_EQ(r.samples[30].time, 30 * NS);
        CHECK_INT_EQ(r.samples[39].time, 30 * NS + 9 * (NS / 10));
        CHECK_INT_EQ(r.samples[39].n, 9);
    }
    recorder_reset(&r, 0);
    CHECK_INT_EQ(scan("misc", x, 1, 30 * NS, 40 * NS, &r), 0);
    CHECK_INT_EQ(r.count, 10);
    recorder_reset(&r, 0);
}

static void test_truncated_file(void)
{
    static const char *x[] = {"x"};
    recorder r = {0};

    CHECK_INT_EQ(scan("trunc", x, 1, 0, INT64_MAX, &r), 0);
    CHECK_INT_EQ(r.warnings, 1);
    CHECK(strstr(r.warning, "data_1000.avro") != NULL);
    /* Three whole blocks of 50 survive the cut, then the next file is read whole. */
    CHECK_INT_EQ(r.count, 150 + 100);
    if (r.count == 250) {
        CHECK_INT_EQ(r.samples[149].time, 1000 * NS + 149 * (NS / 100));
        CHECK_INT_EQ(r.samples[149].n, 149);
        CHECK_INT_EQ(r.samples[150].time, 1010 * NS);
        CHECK_INT_EQ(r.samples[150].n, 0);
    }
    recorder_reset(&r, 0);
}

int main(int argc, char **argv)
{
    const char *generator = argc > 2 ? argv[2] : NULL;

    if (argc < 2) {
        fprintf(stderr, "usage: %s <avro.so> [<generator script>]\n", argv[0]);
        return 2;
    }
    snprintf(data_dir, sizeof(data_dir), "/tmp/pivot-avro-test-XXXXXX");
    if (mkdtemp(data_dir) == NULL || load_plugin(argv[1]) != 0) {
        perror("setup");
        return 1;
    }
    make_fixtures(generator);
    CHECK_INT_EQ(source->open(data_dir, &ctx, msg, sizeof(msg)), 0);
    if (ctx != NULL) {
        test_list_channels();
        test_invalid_names();
        test_describe_gen();
        test_describe_types();
        test_scan_gen();
        test_scan_types_and_errors();
        test_logical_types();
        test_strings_and_batches();
        test_pruning_and_order();
        test_truncated_file();
        source->close(ctx);
    }
    {
        void *bad = NULL;
        CHECK_INT_EQ(source->open("/nonexistent/pivot-avro", &bad, msg, sizeof(msg)), PIVOT_ENOENT);
        CHECK(bad == NULL);
        source->close(NULL);
    }
    fx_remove_tree(data_dir);
    return check_report();
}
