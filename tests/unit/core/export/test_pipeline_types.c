/*
 * The export pipeline with typed signals, in one thread and with decoder
 * threads: enum and bytes columns and validity masks reach the exporter
 * intact (through the decoder queues too, whose copies must be deep),
 * begin_channel describes exactly the exported signals, decimation carries
 * details and masks over, and a source whose description or batch is
 * smaller than the ABI's first version fails the job, naming the struct.
 */
#include "batch_copy.h"
#include "check.h"
#include "pipeline_support.h"
#include "recorded_rows.h"

#include <math.h>
#include <stddef.h>

#define ROWS 6
#define MAX_COLS 4

/* ---- a scripted source ----
 * Channel "t": mode:enum, blob:bytes (nullable), v:float64 (nullable,
 * units V), n:int32 (no detail). Channel "o": v:float64 and n:int32, with
 * no details at all. Channel "s" is "t" described with a pivot_channel_info
 * too small for the ABI, channel "b" is "t" scanned into batches too small. */

static const char *const symbols[] = {"IDLE", "RUN", "FAULT"};
static const pivot_signal_info t_signals[] = {{"mode", PIVOT_TYPE_ENUM},
                                              {"blob", PIVOT_TYPE_BYTES},
                                              {"v", PIVOT_TYPE_FLOAT64},
                                              {"n", PIVOT_TYPE_INT32}};
static const pivot_signal_detail mode_detail = {.size = sizeof(pivot_signal_detail),
                                                .nsymbols = 3,
                                                .symbols = symbols,
                                                .doc = "operating mode",
                                                .source_type = "enum Mode"};
static const pivot_signal_detail blob_detail = {
    .size = sizeof(pivot_signal_detail), .nullable = 1, .source_type = "[\"null\",\"bytes\"]"};
static const pivot_signal_detail v_detail = {.size = sizeof(pivot_signal_detail),
                                             .nullable = 1,
                                             .units = "V",
                                             .doc = "supply voltage",
                                             .source_type = "[\"null\",\"double\"]"};
static const pivot_signal_detail *const t_details[] = {&mode_detail, &blob_detail, &v_detail, NULL};
static const pivot_unsupported_field t_unsupported[] = {
    {"tags", "array", "arrays are not exported"}};

/* The samples of "t" and "o": times 0..5 in two batches of three. */
static const int64_t times[ROWS] = {0, 100, 200, 300, 400, 500};
static const int32_t mode_v[ROWS] = {2, 0, 1, 1, 1, 0};
static const uint8_t blob_raw[] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04};
static const size_t blob_off[ROWS] = {0, 0, 2, 5, 0, 6};
static const size_t blob_len[ROWS] = {2, 0, 3, 1, 0, 2};
static const uint8_t blob_m[ROWS] = {1, 0, 1, 1, 0, 1};
static const double v_v[ROWS] = {1.0, NAN, 3.0, NAN, NAN, NAN};
static const uint8_t v_m[ROWS] = {1, 0, 1, 0, 0, 0};
static const int32_t n_v[ROWS] = {10, 11, 12, 13, 14, 15};
/* A mask where no mask may be read: n is not nullable, "o" has no details. */
static const uint8_t zeros[ROWS] = {0};

typedef struct fake_source {
    int infos_live; /* describe minus free_info; first, for ps_free_info */
} fake_source;

static int src_describe(void *ctx, const char *channel, pivot_channel_info **out, char *err,
                        size_t errlen)
{
    static const char *const names[] = {"t", "o", "s", "b"};
    fake_source *fs = ctx;
    const char *name = NULL;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(channel, names[i]) == 0)
            name = names[i];
    if (name == NULL)
        return PIVOT_ENOENT;
    int old = strcmp(name, "o") == 0;
    pivot_channel_info *info = ps_info_new(&fs->infos_live);
    if (info == NULL)
        return PIVOT_ENOMEM;
    /* A source that forgot the members after schema. */
    if (strcmp(name, "s") == 0)
        info->size = offsetof(pivot_channel_info, details);
    info->name = name;
    info->nsignals = old ? 2 : 4;
    info->signals = old ? t_signals + 2 : t_signals;
    info->schema = "{\"type\":\"record\"}";
    info->details = old ? NULL : t_details;
    info->nunsupported = old ? 0 : 1;
    info->unsupported = old ? NULL : t_unsupported;
    *out = info;
    return 0;
}

/* Fills a column of signal `name` with rows from..from+2 into the buffers given. */
static void fill_column(const char *name, size_t from, pivot_column *col, int32_t *iv, double *dv,
                        pivot_bytes *bv, uint8_t *raw, const uint8_t **mask)
{
    col->name = name;
    *mask = NULL;
    for (size_t r = 0; r < 3; r++) {
        iv[r] = strcmp(name, "mode") == 0 ? mode_v[from + r] : n_v[from + r];
        dv[r] = v_v[from + r];
        bv[r].len = blob_len[from + r];
        bv[r].data = bv[r].len > 0 ? raw + blob_off[from + r] : NULL;
    }
    if (strcmp(name, "mode") == 0 || strcmp(name, "n") == 0) {
        col->type = strcmp(name, "mode") == 0 ? PIVOT_TYPE_ENUM : PIVOT_TYPE_INT32;
        col->data = iv;
        if (strcmp(name, "n") == 0)
            *mask = zeros;
    } else if (strcmp(name, "v") == 0) {
        col->type = PIVOT_TYPE_FLOAT64;
        col->data = dv;
        *mask = v_m + from;
    } else {
        col->type = PIVOT_TYPE_BYTES;
        col->data = bv;
        *mask = blob_m + from;
    }
}

static int src_scan(void *ctx, const char *channel, const char *const *signals, size_t nsignals,
                    pivot_range range, const pivot_scan_sink *sink, char *err, size_t errlen)
{
    int old = strcmp(channel, "o") == 0;
    /* A source that forgot `valid`, the last member of the first pivot_batch. */
    size_t size = strcmp(channel, "b") == 0 ? offsetof(pivot_batch, valid) : sizeof(pivot_batch);

    for (size_t from = 0; from < ROWS; from += 3) {
        int32_t iv[MAX_COLS][3];
        double dv[MAX_COLS][3];
        pivot_bytes bv[MAX_COLS][3];
        uint8_t raw[sizeof(blob_raw)];
        pivot_column cols[MAX_COLS];
        const uint8_t *masks[MAX_COLS];
        int rc;

        memcpy(raw, blob_raw, sizeof(raw));
        for (size_t k = 0; k < nsignals && k < MAX_COLS; k++) {
            fill_column(signals[k], from, &cols[k], iv[k], dv[k], bv[k], raw, &masks[k]);
            /* A source without details sends no masks; this one's, if read, says null. */
            if (old)
                masks[k] = zeros;
        }
        pivot_batch batch = {size, 3, times + from, nsignals, cols, masks};
        rc = sink->batch(sink->arg, &batch);
        /* The batch was borrowed for the call only: spoil what it pointed to. */
        memset(raw, 0xff, sizeof(raw));
        memset(iv, 0x7f, sizeof(iv));
        memset(dv, 0x7f, sizeof(dv));
        if (rc != 0)
            return rc;
    }
    return 0;
}

static pivot_source fake_source_provider = PS_SOURCE(src_describe, src_scan);

/* ---- a recording exporter, whose handle is the run ---- */

/* What the last begin_channel was told. */
typedef struct channel_begun {
    int begins;
    size_t info_size, nsignals, info_nsignals, nunsupported;
    int same_signals; /* channel->signals is the signals argument */
    char name[16], schema[32];
    char sig_names[MAX_COLS][16];
    pivot_type types[MAX_COLS];
    int detail_present[MAX_COLS];
    pivot_signal_detail details[MAX_COLS];
} channel_begun;

/* One pipeline run: the source, what the exporter was given, what the run returned. */
typedef struct typed_run {
    fake_source fs;
    channel_begun begun;
    recorded_rows got; /* every row appended */
    pv_pipeline p;
    pv_pipeline_result res;
    char err[512];
} typed_run;

static int exp_begin(void *exp, const pivot_channel_info *channel, const pivot_signal_info *sigs,
                     size_t n, char *err, size_t errlen)
{
    channel_begun *cb = &((typed_run *)exp)->begun;

    cb->begins++;
    cb->info_size = channel->size;
    cb->nsignals = n;
    cb->info_nsignals = channel->nsignals;
    cb->same_signals = channel->signals == sigs;
    cb->nunsupported = channel->nunsupported;
    snprintf(cb->name, sizeof(cb->name), "%s", channel->name);
    snprintf(cb->schema, sizeof(cb->schema), "%s", channel->schema ? channel->schema : "(null)");
    for (size_t i = 0; i < n && i < MAX_COLS; i++) {
        snprintf(cb->sig_names[i], sizeof(cb->sig_names[i]), "%s", sigs[i].name);
        cb->types[i] = sigs[i].type;
        cb->detail_present[i] = channel->details != NULL && channel->details[i] != NULL;
        if (cb->detail_present[i])
            cb->details[i] = *channel->details[i];
    }
    return 0;
}

static int exp_append(void *exp, const pivot_batch *b, char *err, size_t errlen)
{
    return record_rows(&((typed_run *)exp)->got, b);
}

static int exp_end(void *exp, const pivot_channel_summary *s, char *err, size_t errlen)
{
    return 0;
}

static pivot_exporter fake_exporter_provider = PS_EXPORTER(exp_begin, exp_append, exp_end);

/* A fresh run of the channels given; static, for the record is too large for the stack. */
static typed_run *start(const pv_pipeline_channel *chs, size_t n, unsigned decoders)
{
    static typed_run r;

    memset(&r, 0, sizeof(r));
    r.p = ps_pipeline(&fake_source_provider, &r.fs, &fake_exporter_provider, &r,
                      (pivot_range){0, 1000}, chs, n);
    r.p.decoders = decoders;
    return &r;
}

/* Runs the pipeline, the exporter's record emptied first. */
static int run(typed_run *r)
{
    memset(&r->begun, 0, sizeof(r->begun));
    memset(&r->got, 0, sizeof(r->got));
    return pv_pipeline_run(&r->p, &r->res, r->err, sizeof(r->err));
}

/* Every signal, undecimated: values, bytes and masks as the source gave them. */
static void test_types_and_masks_reach_the_exporter(unsigned decoders)
{
    static const char *const sigs[] = {"v", "blob", "mode", "n"};
    const pv_pipeline_channel chs[] = {{"t", sigs, 4}};
    typed_run *r = start(chs, 1, decoders);

    CHECK_INT_EQ(run(r), 0);
    CHECK_STR_EQ(r->err, "");
    CHECK_INT_EQ(r->fs.infos_live, 0);
    /* begin_channel: exactly the exported signals, in order, each with a detail. */
    CHECK_INT_EQ(r->begun.info_size, sizeof(pivot_channel_info));
    CHECK_STR_EQ(r->begun.name, "t");
    CHECK_STR_EQ(r->begun.schema, "{\"type\":\"record\"}");
    CHECK_INT_EQ(r->begun.nsignals, 4);
    CHECK_INT_EQ(r->begun.info_nsignals, 4);
    CHECK_INT_EQ(r->begun.same_signals, 1);
    CHECK_INT_EQ(r->begun.nunsupported, 1);
    for (size_t i = 0; i < 4; i++) {
        CHECK_STR_EQ(r->begun.sig_names[i], sigs[i]);
        CHECK_INT_EQ(r->begun.detail_present[i], 1);
        CHECK_INT_EQ(r->begun.details[i].size, sizeof(pivot_signal_detail));
    }
    CHECK_INT_EQ(r->begun.types[2], PIVOT_TYPE_ENUM);
    CHECK_INT_EQ(r->begun.types[1], PIVOT_TYPE_BYTES);
    CHECK_INT_EQ(r->begun.details[0].nullable, 1);
    CHECK_STR_EQ(r->begun.details[0].units, "V");
    CHECK_STR_EQ(r->begun.details[0].source_type, "[\"null\",\"double\"]");
    CHECK_INT_EQ(r->begun.details[1].nullable, 1);
    CHECK_INT_EQ(r->begun.details[2].nullable, 0);
    CHECK_INT_EQ(r->begun.details[2].nsymbols, 3);
    CHECK(r->begun.details[2].symbols == symbols);
    CHECK_STR_EQ(r->begun.details[2].doc, "operating mode");
    /* n has no detail at the source: never null, nothing known. */
    CHECK_INT_EQ(r->begun.details[3].nullable, 0);
    CHECK(r->begun.details[3].source_type == NULL && r->begun.details[3].units == NULL);
    /* The rows, value by value. */
    CHECK_INT_EQ(r->got.rows, ROWS);
    CHECK_INT_EQ(r->got.batches, 2);
    CHECK_INT_EQ(r->got.batches_with_valid, 2);
    for (size_t i = 0; i < ROWS; i++) {
        CHECK_INT_EQ(r->got.time[i], times[i]);
        CHECK_INT_EQ(r->got.valid[0][i], v_m[i]);
        CHECK(v_m[i] ? r->got.num[0][i] == v_v[i] : isnan(r->got.num[0][i]));
        CHECK_INT_EQ(r->got.valid[1][i], blob_m[i]);
        CHECK_INT_EQ(r->got.len[1][i], blob_len[i]);
        CHECK(memcmp(r->got.bytes[1][i], blob_raw + blob_off[i], blob_len[i]) == 0);
        CHECK_INT_EQ(r->got.valid[2][i], -1);
        CHECK(r->got.num[2][i] == mode_v[i]);
        CHECK_INT_EQ(r->got.valid[3][i], -1);
        CHECK(r->got.num[3][i] == n_v[i]);
    }
}

/* mean by 3: v averages its values only (none in the second bucket), mode
 * and blob keep the bucket's first sample; details follow the outputs. */
static void test_decimation_carries_details_and_masks(unsigned decoders)
{
    static const char *const sigs[] = {"v", "mode", "blob"};
    const pv_pipeline_channel chs[] = {{"t", sigs, 3}};
    typed_run *r = start(chs, 1, decoders);

    r->p.decimation = (pv_decimation){PV_DECIMATE_MEAN, 3, 0};
    CHECK_INT_EQ(run(r), 0);
    CHECK_INT_EQ(r->begun.nsignals, 3);
    CHECK_INT_EQ(r->begun.info_nsignals, 3);
    CHECK_INT_EQ(r->begun.types[0], PIVOT_TYPE_FLOAT64);
    CHECK_INT_EQ(r->begun.details[0].nullable, 1);
    CHECK_STR_EQ(r->begun.details[0].units, "V");
    CHECK_STR_EQ(r->begun.details[0].doc, "supply voltage");
    CHECK(r->begun.details[0].source_type == NULL); /* a mean is no type of the source */
    CHECK_INT_EQ(r->begun.types[1], PIVOT_TYPE_ENUM);
    CHECK(r->begun.details[1].symbols == symbols);
    CHECK_STR_EQ(r->begun.details[1].source_type, "enum Mode");
    CHECK_INT_EQ(r->begun.types[2], PIVOT_TYPE_BYTES);
    CHECK_INT_EQ(r->got.rows, 2);
    CHECK_INT_EQ(r->res.summary.samples, 2);
    CHECK_INT_EQ(r->got.time[1], 300);
    CHECK(r->got.num[0][0] == 2.0);
    CHECK_INT_EQ(r->got.valid[0][0], 1);
    CHECK(isnan(r->got.num[0][1]));
    CHECK_INT_EQ(r->got.valid[0][1], 0);
    CHECK(r->got.num[1][0] == 2.0 && r->got.num[1][1] == 1.0);
    CHECK_INT_EQ(r->got.valid[1][0], -1);
    CHECK_INT_EQ(r->got.len[2][0], 2);
    CHECK(r->got.bytes[2][0][0] == 0xde && r->got.bytes[2][0][1] == 0xad);
    CHECK_INT_EQ(r->got.len[2][1], 1);
    CHECK(r->got.bytes[2][1][0] == 0x02);
    CHECK_INT_EQ(r->got.valid[2][1], 1);

    /* minmax keeps the source's type, and says so. */
    r->p.decimation = (pv_decimation){PV_DECIMATE_MINMAX, 3, 0};
    CHECK_INT_EQ(run(r), 0);
    CHECK_INT_EQ(r->begun.nsignals, 4);
    CHECK_STR_EQ(r->begun.sig_names[1], "v.max");
    CHECK_STR_EQ(r->begun.details[1].source_type, "[\"null\",\"double\"]");
    CHECK(r->got.num[1][0] == 3.0 && isnan(r->got.num[1][1]));
    CHECK_INT_EQ(r->got.valid[1][1], 0);
}

/* The ABI rule: a description or a batch smaller than the first version is refused. */
static void test_short_structs_refused(unsigned decoders)
{
    static const char *const sigs[] = {"v", "n"};
    const pv_pipeline_channel short_info[] = {{"s", sigs, 2}};
    const pv_pipeline_channel short_batch[] = {{"b", sigs, 2}};
    typed_run *r = start(short_info, 1, decoders);
    char want[256];

    CHECK_INT_EQ(run(r), PIVOT_EIO);
    snprintf(want, sizeof(want),
             "channel \"s\": the data source's plugin is broken: the channel description has "
             "size %zu, smaller than pivot_channel_info in plugin ABI 1 (%zu); it must set size "
             "= sizeof(pivot_channel_info)",
             offsetof(pivot_channel_info, details), sizeof(pivot_channel_info));
    CHECK_STR_EQ(r->err, want);
    CHECK_INT_EQ(r->begun.begins, 0);
    CHECK_INT_EQ(r->fs.infos_live, 0);

    r = start(short_batch, 1, decoders);
    CHECK_INT_EQ(run(r), PIVOT_EIO);
    snprintf(want, sizeof(want),
             "channel \"b\": the data source's plugin is broken: a batch has size %zu, smaller "
             "than pivot_batch in plugin ABI 1 (%zu); it must set size = sizeof(pivot_batch)",
             offsetof(pivot_batch, valid), sizeof(pivot_batch));
    CHECK_STR_EQ(r->err, want);
    CHECK_INT_EQ(r->got.rows, 0);
    CHECK_INT_EQ(r->fs.infos_live, 0);
}

/* A source that gives no details: signals never null, no batch mask read. */
static void test_source_without_details(unsigned decoders)
{
    static const char *const sigs[] = {"v", "n"};
    const pv_pipeline_channel chs[] = {{"o", sigs, 2}};
    typed_run *r = start(chs, 1, decoders);

    CHECK_INT_EQ(run(r), 0);
    CHECK_INT_EQ(r->begun.info_size, sizeof(pivot_channel_info));
    CHECK_INT_EQ(r->begun.nunsupported, 0);
    CHECK_INT_EQ(r->begun.detail_present[0], 1);
    CHECK_INT_EQ(r->begun.details[0].nullable, 0);
    CHECK(r->begun.details[0].units == NULL && r->begun.details[0].source_type == NULL);
    CHECK_INT_EQ(r->got.rows, ROWS);
    CHECK_INT_EQ(r->got.batches_with_valid, 0);
    CHECK(r->got.num[1][5] == 15.0);

    /* Decimated, every sample counts: the mean of 1, NaN, 3 is NaN, not 2. */
    r->p.decimation = (pv_decimation){PV_DECIMATE_MEAN, 3, 0};
    CHECK_INT_EQ(run(r), 0);
    CHECK_INT_EQ(r->got.rows, 2);
    CHECK(isnan(r->got.num[0][0]));
    CHECK(r->got.num[1][0] == 11.0);
    CHECK_INT_EQ(r->got.batches_with_valid, 0);
}

/* The copy a decoder queues: deep, masks only where the column is nullable. */
static void test_batch_copy(void)
{
    int64_t t[3] = {7, 8, 9};
    char s0[] = "alpha", s1[] = "", s2[] = "gamma";
    const char *sv[3] = {s0, s1, s2};
    uint8_t raw[4] = {1, 2, 3, 4};
    pivot_bytes bv[3] = {{raw, 3}, {NULL, 0}, {raw + 3, 1}};
    int32_t ev[3] = {2, 1, 0};
    uint8_t m0[3] = {1, 0, 1}, m1[3] = {0, 1, 1}, m2[3] = {0, 0, 0};
    pivot_column cols[3] = {
        {"s", PIVOT_TYPE_STRING, sv}, {"b", PIVOT_TYPE_BYTES, bv}, {"e", PIVOT_TYPE_ENUM, ev}};
    const uint8_t *masks[3] = {m0, m1, m2};
    pivot_batch b = {sizeof(pivot_batch), 3, t, 3, cols, masks};
    int nullable[3] = {1, 1, 0};
    pv_batch_copy c = {0};

    CHECK_INT_EQ(pv_batch_type_size(PIVOT_TYPE_ENUM), 4);
    CHECK_INT_EQ(pv_batch_type_size(PIVOT_TYPE_BYTES), sizeof(pivot_bytes));
    CHECK_INT_EQ(pv_batch_copy_from(&c, &b, nullable), 0);
    /* Spoil the original: the copy must not share any of it. */
    memset(s0, 'x', 5);
    memset(raw, 0xff, sizeof(raw));
    memset(m0, 7, sizeof(m0));
    memset(m1, 7, sizeof(m1));
    ev[0] = 99;
    t[0] = -1;
    const pivot_batch *cb = &c.batch;
    CHECK_INT_EQ(cb->count, 3);
    CHECK_INT_EQ(cb->time[0], 7);
    CHECK_STR_EQ(((const char *const *)cb->columns[0].data)[0], "alpha");
    CHECK_STR_EQ(((const char *const *)cb->columns[0].data)[2], "gamma");
    const pivot_bytes *cbv = cb->columns[1].data;
    CHECK_INT_EQ(cbv[0].len, 3);
    CHECK(cbv[0].data[0] == 1 && cbv[0].data[1] == 2 && cbv[0].data[2] == 3);
    CHECK(cbv[1].len == 0 && cbv[1].data == NULL);
    CHECK(cbv[2].len == 1 && cbv[2].data[0] == 4);
    CHECK_INT_EQ(((const int32_t *)cb->columns[2].data)[0], 2);
    CHECK_INT_EQ(cb->columns[2].type, PIVOT_TYPE_ENUM);
    CHECK(cb->valid != NULL);
    if (cb->valid != NULL) {
        CHECK(cb->valid[0][0] == 1 && cb->valid[0][1] == 0 && cb->valid[0][2] == 1);
        CHECK(cb->valid[1][0] == 0 && cb->valid[1][1] == 1 && cb->valid[1][2] == 1);
        CHECK(cb->valid[2] == NULL); /* e is not nullable: its mask is not read */
    }

    /* Reused for a batch without nullable columns: no masks at all. */
    CHECK_INT_EQ(pv_batch_copy_from(&c, &b, NULL), 0);
    CHECK(c.batch.valid == NULL);
    CHECK_STR_EQ(((const char *const *)c.batch.columns[0].data)[0], "xxxxx");
    pv_batch_copy_free(&c);
    CHECK(c.buf == NULL && c.batch.count == 0);
}

int main(void)
{
    test_batch_copy();
    /* 0: one thread; 2: decoder threads (one without a source location). */
    for (unsigned decoders = 0; decoders <= 2; decoders += 2) {
        test_types_and_masks_reach_the_exporter(decoders);
        test_decimation_carries_details_and_masks(decoders);
        test_short_structs_refused(decoders);
        test_source_without_details(decoders);
    }
    return check_report();
}
