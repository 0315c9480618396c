/*
 * The decimator (core/export/decimate.c) with typed signals: nullable
 * signals, whose numeric reductions use only the samples with a value and
 * give a null row for a bucket without one; enum and bytes signals, which
 * keep the bucket's first sample; and the details of the output signals.
 */
#include "check.h"
#include "decimate.h"
#include "export_signals.h"
#include "recorded_rows.h"

#include <math.h>
#include <stdlib.h>

static pivot_signal_detail nullable_detail(void)
{
    pivot_signal_detail d;
    pivot_signal_detail_read(NULL, &d);
    d.nullable = 1;
    return d;
}

/*
 * mean by 3 over nine samples, in two batches split inside the second
 * bucket. x and i are nullable; the second bucket has no value of either.
 */
static void test_mean_uses_valid_samples_only(void)
{
    static const pivot_signal_info sigs[] = {{"x", PIVOT_TYPE_FLOAT64},
                                             {"i", PIVOT_TYPE_INT32},
                                             {"s", PIVOT_TYPE_STRING},
                                             {"n", PIVOT_TYPE_INT64}};
    pivot_signal_detail details[4];
    int64_t t[9];
    double xv[9] = {1, NAN, 3, NAN, NAN, NAN, 10, NAN, 40};
    uint8_t xm[9] = {1, 0, 1, 0, 0, 0, 1, 0, 1};
    int32_t iv[9] = {5, 0, 7, 0, 0, 0, 0, 9, 0};
    uint8_t im[9] = {1, 0, 1, 0, 0, 0, 0, 1, 0};
    const char *sv[9] = {"a", "", "c", "", "e", "f", "", "h", "i"};
    uint8_t sm[9] = {1, 0, 1, 0, 1, 1, 0, 1, 1};
    int64_t nv[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    char err[PIVOT_ERRMSG_SIZE] = "";
    static recorded_rows c;
    pv_decimator *dc = NULL;
    pv_decimation d = {PV_DECIMATE_MEAN, 3, 0};

    memset(&c, 0, sizeof(c));
    for (int r = 0; r < 9; r++)
        t[r] = 100 * r;
    for (int k = 0; k < 3; k++)
        details[k] = nullable_detail();
    pivot_signal_detail_read(NULL, &details[3]);
    CHECK_INT_EQ(pv_decimator_new(&d, 0, sigs, details, 4, &dc, err, sizeof(err)), 0);
    for (size_t part = 0; part < 2; part++) {
        size_t from = part == 0 ? 0 : 4, n = part == 0 ? 4 : 5;
        pivot_column cols[4] = {{"x", PIVOT_TYPE_FLOAT64, xv + from},
                                {"i", PIVOT_TYPE_INT32, iv + from},
                                {"s", PIVOT_TYPE_STRING, sv + from},
                                {"n", PIVOT_TYPE_INT64, nv + from}};
        const uint8_t *masks[4] = {xm + from, im + from, sm + from, NULL};
        pivot_batch b = {sizeof(pivot_batch), n, t + from, 4, cols, masks};
        CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), 0);
    }
    CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(c.rows, 3);
    CHECK_INT_EQ(c.last_valid, 1);
    /* x: (1 + 3) / 2, no value, (10 + 40) / 2 */
    CHECK(c.num[0][0] == 2.0 && c.valid[0][0] == 1);
    CHECK(isnan(c.num[0][1]) && c.valid[0][1] == 0);
    CHECK(c.num[0][2] == 25.0 && c.valid[0][2] == 1);
    /* i: (5 + 7) / 2, no value, 9 alone; as float64, NaN when null */
    CHECK_INT_EQ(c.type[1], PIVOT_TYPE_FLOAT64);
    CHECK(c.num[1][0] == 6.0 && c.valid[1][0] == 1);
    CHECK(isnan(c.num[1][1]) && c.valid[1][1] == 0);
    CHECK(c.num[1][2] == 9.0 && c.valid[1][2] == 1);
    /* s: the first sample as it is, null or not */
    CHECK_STR_EQ(c.str[2][0], "a");
    CHECK_INT_EQ(c.valid[2][0], 1);
    CHECK_STR_EQ(c.str[2][1], "");
    CHECK_INT_EQ(c.valid[2][1], 0);
    CHECK_STR_EQ(c.str[2][2], "");
    CHECK_INT_EQ(c.valid[2][2], 0);
    /* n is not nullable: every sample counts, and it has no mask */
    CHECK(c.num[3][0] == 2.0 && c.num[3][1] == 5.0 && c.num[3][2] == 8.0);
    CHECK_INT_EQ(c.valid[3][0], -1);
    pv_decimator_free(dc);
}

/* min, max, minmax and rms over 1 µs buckets; the second bucket is all null. */
static void test_extrema_and_rms_with_nulls(void)
{
    static const pivot_signal_info sigs[] = {{"x", PIVOT_TYPE_FLOAT32}, {"i", PIVOT_TYPE_INT64}};
    pivot_signal_detail details[2] = {nullable_detail(), nullable_detail()};
    int64_t t[] = {0, 100, 200, 1000, 1100, 2000};
    float xv[] = {3, -7, 1, 5, 6, 2};
    uint8_t xm[] = {1, 0, 1, 0, 0, 1};
    int64_t iv[] = {4, -100, -2, 0, 0, 8};
    uint8_t im[] = {1, 0, 1, 0, 0, 1};
    pivot_column cols[] = {{"x", PIVOT_TYPE_FLOAT32, xv}, {"i", PIVOT_TYPE_INT64, iv}};
    const uint8_t *masks[] = {xm, im};
    pivot_batch b = {sizeof(pivot_batch), 6, t, 2, cols, masks};
    static const pv_decimate_method methods[] = {PV_DECIMATE_MIN, PV_DECIMATE_MAX,
                                                 PV_DECIMATE_MINMAX, PV_DECIMATE_RMS};
    /* Rows of x (x.min for minmax) and of i (i.min) per method, where the
     * bucket has values; the second bucket has none. */
    const double want_x[4][3] = {{1, 0, 2}, {3, 0, 2}, {1, 0, 2}, {sqrt((9.0 + 1.0) / 2.0), 0, 2}};
    const double want_i[4][3] = {
        {-2, 0, 8}, {4, 0, 8}, {-2, 0, 8}, {sqrt((16.0 + 4.0) / 2.0), 0, 8}};
    char err[PIVOT_ERRMSG_SIZE] = "";
    static recorded_rows c;

    for (size_t m = 0; m < 4; m++) {
        pv_decimation d = {methods[m], 0, 1000};
        pv_decimator *dc = NULL;
        int rms = methods[m] == PV_DECIMATE_RMS;
        size_t xi = 0, ii = methods[m] == PV_DECIMATE_MINMAX ? 2 : 1;
        memset(&c, 0, sizeof(c));
        CHECK_INT_EQ(pv_decimator_new(&d, 0, sigs, details, 2, &dc, err, sizeof(err)), 0);
        CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), 0);
        CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, &c, err, sizeof(err)), 0);
        CHECK_INT_EQ(c.rows, 3);
        CHECK_INT_EQ(c.time[1], 1000);
        for (size_t r = 0; r < 3; r += 2) {
            CHECK(c.num[xi][r] == want_x[m][r]);
            CHECK(c.num[ii][r] == want_i[m][r]);
            CHECK_INT_EQ(c.valid[xi][r], 1);
            CHECK_INT_EQ(c.valid[ii][r], 1);
        }
        /* The null row: NaN in a floating-point output, 0 in an integer one. */
        CHECK(isnan(c.num[xi][1]));
        CHECK(rms ? isnan(c.num[ii][1]) : c.num[ii][1] == 0.0);
        CHECK_INT_EQ(c.valid[xi][1], 0);
        CHECK_INT_EQ(c.valid[ii][1], 0);
        if (methods[m] == PV_DECIMATE_MINMAX) {
            /* x.max and i.max: the same buckets, the other end */
            CHECK(c.num[1][0] == 3.0 && isnan(c.num[1][1]) && c.num[1][2] == 2.0);
            CHECK(c.num[3][0] == 4.0 && c.num[3][1] == 0.0 && c.num[3][2] == 8.0);
            CHECK_INT_EQ(c.valid[1][1], 0);
            CHECK_INT_EQ(c.valid[3][1], 0);
            CHECK_INT_EQ(c.valid[3][2], 1);
        }
        CHECK_INT_EQ(c.type[ii],
                     methods[m] == PV_DECIMATE_RMS ? PIVOT_TYPE_FLOAT64 : PIVOT_TYPE_INT64);
        pv_decimator_free(dc);
    }
}

/* downsample keeps the first sample as it is, even a null one before valid ones. */
static void test_downsample_keeps_null_first_sample(void)
{
    static const pivot_signal_info sigs[] = {{"x", PIVOT_TYPE_FLOAT64}, {"i", PIVOT_TYPE_INT32}};
    pivot_signal_detail details[2] = {nullable_detail(), nullable_detail()};
    int64_t t[] = {0, 1, 2, 3};
    double xv[] = {NAN, 2.5, 3.5, 4.5};
    uint8_t xm[] = {0, 1, 1, 1};
    int32_t iv[] = {11, 0, 0, 14};
    uint8_t im[] = {1, 0, 0, 1};
    pivot_column cols[] = {{"x", PIVOT_TYPE_FLOAT64, xv}, {"i", PIVOT_TYPE_INT32, iv}};
    const uint8_t *masks[] = {xm, im};
    pivot_batch b = {sizeof(pivot_batch), 4, t, 2, cols, masks};
    char err[PIVOT_ERRMSG_SIZE] = "";
    static recorded_rows c;
    pv_decimator *dc = NULL;
    pv_decimation d = {PV_DECIMATE_DOWNSAMPLE, 2, 0};

    memset(&c, 0, sizeof(c));
    CHECK_INT_EQ(pv_decimator_new(&d, 0, sigs, details, 2, &dc, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(c.rows, 2);
    CHECK(isnan(c.num[0][0]) && c.valid[0][0] == 0);
    CHECK(c.num[0][1] == 3.5 && c.valid[0][1] == 1);
    CHECK(c.num[1][0] == 11.0 && c.valid[1][0] == 1);
    CHECK(c.num[1][1] == 0.0 && c.valid[1][1] == 0);
    CHECK_INT_EQ(c.type[1], PIVOT_TYPE_INT32);
    pv_decimator_free(dc);
}

/*
 * Enum and bytes signals keep the bucket's first sample whatever the method,
 * in their own type; the bytes are the decimator's own copy, not the
 * source's buffer, which is overwritten before the last row is emitted.
 */
static void test_enum_and_bytes_first_sample(void)
{
    static const pivot_signal_info sigs[] = {{"mode", PIVOT_TYPE_ENUM}, {"blob", PIVOT_TYPE_BYTES}};
    static const char *const symbols[] = {"IDLE", "RUN", "FAULT"};
    pivot_signal_detail details[2];
    int64_t t[] = {0, 1, 2, 3, 4};
    int32_t ev[] = {2, 0, 1, 1, 0};
    uint8_t raw[] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03};
    pivot_bytes bv[] = {{raw, 2}, {raw + 2, 2}, {NULL, 0}, {raw + 4, 3}, {raw, 1}};
    uint8_t bm[] = {1, 1, 0, 1, 1};
    pivot_column cols[] = {{"mode", PIVOT_TYPE_ENUM, ev}, {"blob", PIVOT_TYPE_BYTES, bv}};
    const uint8_t *masks[] = {NULL, bm};
    pivot_batch b = {sizeof(pivot_batch), 5, t, 2, cols, masks};
    char err[PIVOT_ERRMSG_SIZE] = "";
    static recorded_rows c;
    pv_decimator *dc = NULL;
    pv_decimation d = {PV_DECIMATE_MEAN, 2, 0};
    size_t n = 0;

    pivot_signal_detail_read(NULL, &details[0]);
    details[0].nsymbols = 3;
    details[0].symbols = symbols;
    details[1] = nullable_detail();
    memset(&c, 0, sizeof(c));
    CHECK_INT_EQ(pv_decimator_new(&d, 0, sigs, details, 2, &dc, err, sizeof(err)), 0);
    const pivot_signal_info *out = pv_decimator_signals(dc, &n);
    const pivot_signal_detail *od = pv_decimator_details(dc);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(out[0].type, PIVOT_TYPE_ENUM);
    CHECK_INT_EQ(out[1].type, PIVOT_TYPE_BYTES);
    CHECK_INT_EQ(od[0].nsymbols, 3);
    CHECK(od[0].symbols == symbols);
    CHECK_INT_EQ(od[0].nullable, 0);
    CHECK_INT_EQ(od[1].nullable, 1);
    CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), 0);
    memset(raw, 0, sizeof(raw));
    CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, &c, err, sizeof(err)), 0);
    /* Buckets {0,1} {2,3} {4}. */
    CHECK_INT_EQ(c.rows, 3);
    CHECK(c.num[0][0] == 2.0 && c.num[0][1] == 1.0 && c.num[0][2] == 0.0);
    CHECK_INT_EQ(c.valid[0][0], -1);
    CHECK_INT_EQ(c.len[1][0], 2);
    CHECK(c.bytes[1][0][0] == 0xde && c.bytes[1][0][1] == 0xad);
    CHECK_INT_EQ(c.valid[1][0], 1);
    CHECK_INT_EQ(c.len[1][1], 0);
    CHECK_INT_EQ(c.valid[1][1], 0);
    CHECK_INT_EQ(c.len[1][2], 1);
    CHECK(c.bytes[1][2][0] == 0xde);
    pv_decimator_free(dc);
}

/* The outputs' details: carried over, but a mean has no source type. */
static void test_output_details(void)
{
    static const pivot_signal_info sigs[] = {{"v", PIVOT_TYPE_FLOAT64}, {"s", PIVOT_TYPE_STRING}};
    pivot_signal_detail details[2];
    char err[PIVOT_ERRMSG_SIZE] = "";
    pv_decimator *dc = NULL;
    pv_decimation mean = {PV_DECIMATE_MEAN, 2, 0}, minmax = {PV_DECIMATE_MINMAX, 2, 0};
    size_t n = 0;

    details[0] = nullable_detail();
    details[0].units = "V";
    details[0].doc = "supply voltage";
    details[0].source_type = "\"double\"";
    pivot_signal_detail_read(NULL, &details[1]);
    details[1].source_type = "\"string\"";
    CHECK_INT_EQ(pv_decimator_new(&mean, 0, sigs, details, 2, &dc, err, sizeof(err)), 0);
    const pivot_signal_detail *od = pv_decimator_details(dc);
    CHECK_INT_EQ(od[0].size, sizeof(pivot_signal_detail));
    CHECK_INT_EQ(od[0].nullable, 1);
    CHECK_STR_EQ(od[0].units, "V");
    CHECK_STR_EQ(od[0].doc, "supply voltage");
    CHECK(od[0].source_type == NULL);
    CHECK_STR_EQ(od[1].source_type, "\"string\"");
    CHECK_INT_EQ(od[1].nullable, 0);
    pv_decimator_free(dc);

    CHECK_INT_EQ(pv_decimator_new(&minmax, 0, sigs, details, 2, &dc, err, sizeof(err)), 0);
    pv_decimator_signals(dc, &n);
    od = pv_decimator_details(dc);
    CHECK_INT_EQ(n, 3);
    CHECK_STR_EQ(od[0].source_type, "\"double\"");
    CHECK_STR_EQ(od[1].units, "V");
    CHECK_INT_EQ(od[1].nullable, 1);
    CHECK_STR_EQ(od[2].source_type, "\"string\"");
    pv_decimator_free(dc);
}

/* A mask on a signal not described as nullable is not read: every sample counts. */
static void test_mask_of_non_nullable_signal_is_ignored(void)
{
    static const pivot_signal_info sigs[] = {{"x", PIVOT_TYPE_FLOAT64}};
    int64_t t[] = {0, 1};
    double xv[] = {1.0, 2.0};
    uint8_t xm[] = {0, 0};
    pivot_column cols[] = {{"x", PIVOT_TYPE_FLOAT64, xv}};
    const uint8_t *masks[] = {xm};
    pivot_batch b = {sizeof(pivot_batch), 2, t, 1, cols, masks};
    char err[PIVOT_ERRMSG_SIZE] = "";
    static recorded_rows c;
    pv_decimator *dc = NULL;
    pv_decimation d = {PV_DECIMATE_MEAN, 2, 0};

    memset(&c, 0, sizeof(c));
    CHECK_INT_EQ(pv_decimator_new(&d, 0, sigs, NULL, 1, &dc, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(c.rows, 1);
    CHECK(c.num[0][0] == 1.5);
    CHECK_INT_EQ(c.last_valid, 0);
    pv_decimator_free(dc);
}

int main(void)
{
    test_mean_uses_valid_samples_only();
    test_extrema_and_rms_with_nulls();
    test_downsample_keeps_null_first_sample();
    test_enum_and_bytes_first_sample();
    test_output_details();
    test_mask_of_non_nullable_signal_is_ignored();
    return check_report();
}
