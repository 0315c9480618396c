/*
 * The export pipeline with ABI 1.4 signals, in one thread and with decoder
 * threads: enum and bytes columns and validity masks reach the exporter
 * intact (through the decoder queues too, whose copies must be deep),
 * begin_channel describes exactly the exported signals, decimation carries
 * details and masks over, and exporters built before ABI 1.4 are refused
 * enum and bytes signals and never given masks.
 */
#include "batch_copy.h"
#include "check.h"
#include "pipeline.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#define ROWS 6
#define MAX_COLS 4

/* ---- a scripted source ----
 * Channel "t" (ABI 1.4): mode:enum, blob:bytes (nullable), v:float64
 * (nullable, units V), n:int32 (no detail). Channel "o" describes itself as
 * a source built before ABI 1.4 would: v:float64 and n:int32, no details. */

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
    int infos_live; /* describe minus free_info */
} fake_source;

static int src_describe(void *ctx, const char *channel, pivot_channel_info **out, char *err,
                        size_t errlen)
{
    fake_source *fs = ctx;
    int old = strcmp(channel, "o") == 0;
    if (!old && strcmp(channel, "t") != 0)
        return PIVOT_ENOENT;
    pivot_channel_info *info = calloc(1, sizeof(*info));
    info->size = old ? offsetof(pivot_channel_info, details) : sizeof(*info);
    info->name = old ? "o" : "t";
    info->nsignals = old ? 2 : 4;
    info->signals = old ? t_signals + 2 : t_signals;
    info->schema = "{\"type\":\"record\"}";
    /* Beyond an old source's size: must not be read. */
    info->details = old ? t_details + 2 : t_details;
    info->nunsupported = 1;
    info->unsupported = t_unsupported;
    fs->infos_live++;
    *out = info;
    return 0;
}

static void src_free_info(void *ctx, pivot_channel_info *info)
{
    fake_source *fs = ctx;
    if (info != NULL)
        fs->infos_live--;
    free(info);
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
            /* An old source's batches have no masks; this one's, if read, says null. */
            if (old)
                masks[k] = zeros;
        }
        pivot_batch batch = {3, times + from, nsignals, cols, masks};
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

static pivot_source fake_source_provider = {
    .size = sizeof(pivot_source),
    .name = "fake",
    .describe = src_describe,
    .free_info = src_free_info,
    .scan = src_scan,
};

/* ---- a recording exporter ---- */

typedef struct fake_exporter {
    int begins;
    /* what the last begin_channel was told */
    size_t info_size, nsignals, info_nsignals, nunsupported;
    int same_signals; /* channel->signals is the signals argument */
    char name[16], schema[32];
    char sig_names[MAX_COLS][16];
    pivot_type types[MAX_COLS];
    int detail_present[MAX_COLS];
    pivot_signal_detail details[MAX_COLS];
    /* every row appended */
    size_t rows;
    int batches_with_valid, batches;
    int64_t time[ROWS];
    double num[MAX_COLS][ROWS];
    uint8_t bytes[MAX_COLS][ROWS][4];
    size_t len[MAX_COLS][ROWS];
    int valid[MAX_COLS][ROWS]; /* -1: no mask */
} fake_exporter;

static int exp_begin(void *exp, const pivot_channel_info *channel, const pivot_signal_info *sigs,
                     size_t n, char *err, size_t errlen)
{
    fake_exporter *fe = exp;

    fe->begins++;
    fe->info_size = channel->size;
    fe->nsignals = n;
    fe->info_nsignals = channel->nsignals;
    fe->same_signals = channel->signals == sigs;
    fe->nunsupported = channel->nunsupported;
    snprintf(fe->name, sizeof(fe->name), "%s", channel->name);
    snprintf(fe->schema, sizeof(fe->schema), "%s", channel->schema ? channel->schema : "(null)");
    for (size_t i = 0; i < n && i < MAX_COLS; i++) {
        snprintf(fe->sig_names[i], sizeof(fe->sig_names[i]), "%s", sigs[i].name);
        fe->types[i] = sigs[i].type;
        fe->detail_present[i] = channel->details != NULL && channel->details[i] != NULL;
        if (fe->detail_present[i])
            fe->details[i] = *channel->details[i];
    }
    return 0;
}

static int exp_append(void *exp, const pivot_batch *b, char *err, size_t errlen)
{
    fake_exporter *fe = exp;

    fe->batches++;
    fe->batches_with_valid += b->valid != NULL;
    for (size_t r = 0; r < b->count && fe->rows < ROWS; r++, fe->rows++) {
        fe->time[fe->rows] = b->time[r];
        for (size_t k = 0; k < b->ncolumns && k < MAX_COLS; k++) {
            const void *d = b->columns[k].data;
            const uint8_t *mask = b->valid != NULL ? b->valid[k] : NULL;
            fe->valid[k][fe->rows] = mask != NULL ? mask[r] : -1;
            if (b->columns[k].type == PIVOT_TYPE_FLOAT64) {
                fe->num[k][fe->rows] = ((const double *)d)[r];
            } else if (b->columns[k].type == PIVOT_TYPE_BYTES) {
                const pivot_bytes *e = &((const pivot_bytes *)d)[r];
                fe->len[k][fe->rows] = e->len;
                if (e->len <= sizeof(fe->bytes[0][0]) && e->len > 0)
                    memcpy(fe->bytes[k][fe->rows], e->data, e->len);
            } else {
                fe->num[k][fe->rows] = ((const int32_t *)d)[r];
            }
        }
    }
    return 0;
}

static int exp_end(void *exp, const pivot_channel_summary *s, char *err, size_t errlen)
{
    return 0;
}

static pivot_exporter fake_exporter_provider = {
    .size = sizeof(pivot_exporter),
    .name = "hdf5",
    .extension = ".h5",
    .begin_channel = exp_begin,
    .append = exp_append,
    .end_channel = exp_end,
};

static pv_pipeline make(fake_source *fs, fake_exporter *fe, const pv_pipeline_channel *chs,
                        size_t n, unsigned decoders)
{
    pv_pipeline p = {
        .source = &fake_source_provider,
        .source_ctx = fs,
        .exporter = &fake_exporter_provider,
        .exp = fe,
        .exporter_abi_minor = PIVOT_ABI_MINOR,
        .range = {0, 1000},
        .channels = chs,
        .nchannels = n,
        .decoders = decoders,
    };
    return p;
}

/* Every signal, undecimated: values, bytes and masks as the source gave them. */
static void test_types_and_masks_reach_the_exporter(unsigned decoders)
{
    static const char *const sigs[] = {"v", "blob", "mode", "n"};
    const pv_pipeline_channel chs[] = {{"t", sigs, 4}};
    fake_source fs = {0};
    static fake_exporter fe;
    pv_pipeline_result res;
    char err[512] = "";

    memset(&fe, 0, sizeof(fe));
    pv_pipeline p = make(&fs, &fe, chs, 1, decoders);
    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), 0);
    CHECK_STR_EQ(err, "");
    CHECK_INT_EQ(fs.infos_live, 0);
    /* begin_channel: exactly the exported signals, in order, each with a detail. */
    CHECK_INT_EQ(fe.info_size, sizeof(pivot_channel_info));
    CHECK_STR_EQ(fe.name, "t");
    CHECK_STR_EQ(fe.schema, "{\"type\":\"record\"}");
    CHECK_INT_EQ(fe.nsignals, 4);
    CHECK_INT_EQ(fe.info_nsignals, 4);
    CHECK_INT_EQ(fe.same_signals, 1);
    CHECK_INT_EQ(fe.nunsupported, 1);
    for (size_t i = 0; i < 4; i++) {
        CHECK_STR_EQ(fe.sig_names[i], sigs[i]);
        CHECK_INT_EQ(fe.detail_present[i], 1);
        CHECK_INT_EQ(fe.details[i].size, sizeof(pivot_signal_detail));
    }
    CHECK_INT_EQ(fe.types[2], PIVOT_TYPE_ENUM);
    CHECK_INT_EQ(fe.types[1], PIVOT_TYPE_BYTES);
    CHECK_INT_EQ(fe.details[0].nullable, 1);
    CHECK_STR_EQ(fe.details[0].units, "V");
    CHECK_STR_EQ(fe.details[0].source_type, "[\"null\",\"double\"]");
    CHECK_INT_EQ(fe.details[1].nullable, 1);
    CHECK_INT_EQ(fe.details[2].nullable, 0);
    CHECK_INT_EQ(fe.details[2].nsymbols, 3);
    CHECK(fe.details[2].symbols == symbols);
    CHECK_STR_EQ(fe.details[2].doc, "operating mode");
    /* n has no detail at the source: never null, nothing known. */
    CHECK_INT_EQ(fe.details[3].nullable, 0);
    CHECK(fe.details[3].source_type == NULL && fe.details[3].units == NULL);
    /* The rows, value by value. */
    CHECK_INT_EQ(fe.rows, ROWS);
    CHECK_INT_EQ(fe.batches, 2);
    CHECK_INT_EQ(fe.batches_with_valid, 2);
    for (size_t r = 0; r < ROWS; r++) {
        CHECK_INT_EQ(fe.time[r], times[r]);
        CHECK_INT_EQ(fe.valid[0][r], v_m[r]);
        CHECK(v_m[r] ? fe.num[0][r] == v_v[r] : isnan(fe.num[0][r]));
        CHECK_INT_EQ(fe.valid[1][r], blob_m[r]);
        CHECK_INT_EQ(fe.len[1][r], blob_len[r]);
        CHECK(memcmp(fe.bytes[1][r], blob_raw + blob_off[r], blob_len[r]) == 0);
        CHECK_INT_EQ(fe.valid[2][r], -1);
        CHECK(fe.num[2][r] == mode_v[r]);
        CHECK_INT_EQ(fe.valid[3][r], -1);
        CHECK(fe.num[3][r] == n_v[r]);
    }
}

/* mean by 3: v averages its values only (none in the second bucket), mode
 * and blob keep the bucket's first sample; details follow the outputs. */
static void test_decimation_carries_details_and_masks(unsigned decoders)
{
    static const char *const sigs[] = {"v", "mode", "blob"};
    const pv_pipeline_channel chs[] = {{"t", sigs, 3}};
    fake_source fs = {0};
    static fake_exporter fe;
    pv_pipeline_result res;
    char err[512] = "";

    memset(&fe, 0, sizeof(fe));
    pv_pipeline p = make(&fs, &fe, chs, 1, decoders);
    p.decimation = (pv_decimation){PV_DECIMATE_MEAN, 3, 0};
    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), 0);
    CHECK_INT_EQ(fe.nsignals, 3);
    CHECK_INT_EQ(fe.info_nsignals, 3);
    CHECK_INT_EQ(fe.types[0], PIVOT_TYPE_FLOAT64);
    CHECK_INT_EQ(fe.details[0].nullable, 1);
    CHECK_STR_EQ(fe.details[0].units, "V");
    CHECK_STR_EQ(fe.details[0].doc, "supply voltage");
    CHECK(fe.details[0].source_type == NULL); /* a mean is no type of the source */
    CHECK_INT_EQ(fe.types[1], PIVOT_TYPE_ENUM);
    CHECK(fe.details[1].symbols == symbols);
    CHECK_STR_EQ(fe.details[1].source_type, "enum Mode");
    CHECK_INT_EQ(fe.types[2], PIVOT_TYPE_BYTES);
    CHECK_INT_EQ(fe.rows, 2);
    CHECK_INT_EQ(res.summary.samples, 2);
    CHECK_INT_EQ(fe.time[1], 300);
    CHECK(fe.num[0][0] == 2.0);
    CHECK_INT_EQ(fe.valid[0][0], 1);
    CHECK(isnan(fe.num[0][1]));
    CHECK_INT_EQ(fe.valid[0][1], 0);
    CHECK(fe.num[1][0] == 2.0 && fe.num[1][1] == 1.0);
    CHECK_INT_EQ(fe.valid[1][0], -1);
    CHECK_INT_EQ(fe.len[2][0], 2);
    CHECK(fe.bytes[2][0][0] == 0xde && fe.bytes[2][0][1] == 0xad);
    CHECK_INT_EQ(fe.len[2][1], 1);
    CHECK(fe.bytes[2][1][0] == 0x02);
    CHECK_INT_EQ(fe.valid[2][1], 1);

    /* minmax keeps the source's type, and says so. */
    memset(&fe, 0, sizeof(fe));
    p.decimation = (pv_decimation){PV_DECIMATE_MINMAX, 3, 0};
    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), 0);
    CHECK_INT_EQ(fe.nsignals, 4);
    CHECK_STR_EQ(fe.sig_names[1], "v.max");
    CHECK_STR_EQ(fe.details[1].source_type, "[\"null\",\"double\"]");
    CHECK(fe.num[1][0] == 3.0 && isnan(fe.num[1][1]));
    CHECK_INT_EQ(fe.valid[1][1], 0);
}

/* An exporter built against ABI 1.3 is refused an enum, before any channel is begun. */
static void test_old_exporter_refuses_enum(unsigned decoders)
{
    static const char *const first[] = {"v"};
    static const char *const second[] = {"n", "mode"};
    const pv_pipeline_channel chs[] = {{"o", first, 1}, {"t", second, 2}};
    fake_source fs = {0};
    static fake_exporter fe;
    pv_pipeline_result res;
    char err[512] = "";

    memset(&fe, 0, sizeof(fe));
    pv_pipeline p = make(&fs, &fe, chs, 2, decoders);
    p.exporter_abi_minor = 3;
    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), PIVOT_ENOTSUP);
    CHECK_STR_EQ(err, "format \"hdf5\" was built against plugin ABI 1.3 and cannot write enum "
                      "signal \"t/mode\"; leave the signal out, or use a build of the format's "
                      "plugin for ABI 1.4 or later");
    CHECK_INT_EQ(fe.begins, 0);
    CHECK_INT_EQ(fs.infos_live, 0);
}

/* An old exporter writes nullable signals without masks: the fills alone. */
static void test_old_exporter_gets_no_masks(unsigned decoders)
{
    static const char *const sigs[] = {"v", "n"};
    const pv_pipeline_channel chs[] = {{"t", sigs, 2}};
    fake_source fs = {0};
    static fake_exporter fe;
    pv_pipeline_result res;
    char err[512] = "";

    memset(&fe, 0, sizeof(fe));
    pv_pipeline p = make(&fs, &fe, chs, 1, decoders);
    p.exporter_abi_minor = 3;
    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), 0);
    CHECK_INT_EQ(fe.rows, ROWS);
    CHECK_INT_EQ(fe.batches_with_valid, 0);
    CHECK(fe.num[0][0] == 1.0 && isnan(fe.num[0][1]) && fe.num[0][2] == 3.0);
}

/* A source built before ABI 1.4: no details read, no batch mask read. */
static void test_source_without_details(unsigned decoders)
{
    static const char *const sigs[] = {"v", "n"};
    const pv_pipeline_channel chs[] = {{"o", sigs, 2}};
    fake_source fs = {0};
    static fake_exporter fe;
    pv_pipeline_result res;
    char err[512] = "";

    memset(&fe, 0, sizeof(fe));
    pv_pipeline p = make(&fs, &fe, chs, 1, decoders);
    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), 0);
    CHECK_INT_EQ(fe.info_size, sizeof(pivot_channel_info));
    CHECK_INT_EQ(fe.nunsupported, 0);
    CHECK_INT_EQ(fe.detail_present[0], 1);
    CHECK_INT_EQ(fe.details[0].nullable, 0);
    CHECK(fe.details[0].units == NULL && fe.details[0].source_type == NULL);
    CHECK_INT_EQ(fe.rows, ROWS);
    CHECK_INT_EQ(fe.batches_with_valid, 0);
    CHECK(fe.num[1][5] == 15.0);

    /* Decimated, every sample counts: the mean of 1, NaN, 3 is NaN, not 2. */
    memset(&fe, 0, sizeof(fe));
    p.decimation = (pv_decimation){PV_DECIMATE_MEAN, 3, 0};
    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), 0);
    CHECK_INT_EQ(fe.rows, 2);
    CHECK(isnan(fe.num[0][0]));
    CHECK(fe.num[1][0] == 11.0);
    CHECK_INT_EQ(fe.batches_with_valid, 0);
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
    pivot_batch b = {3, t, 3, cols, masks};
    int nullable[3] = {1, 1, 0};
    pv_batch_copy c = {0};

    CHECK_INT_EQ(pv_type_size(PIVOT_TYPE_ENUM), 4);
    CHECK_INT_EQ(pv_type_size(PIVOT_TYPE_BYTES), sizeof(pivot_bytes));
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
        test_old_exporter_refuses_enum(decoders);
        test_old_exporter_gets_no_masks(decoders);
        test_source_without_details(decoders);
    }
    return check_report();
}
