/*
 * The decimator (core/export/decimate.c): the output signals of each method,
 * bucket boundaries by count and by time, rows across batch boundaries and
 * the batching of emitted rows. The interval's grammar is tested with the
 * other ISO 8601 durations (test_grammar_iso_duration.c).
 */
#include "check.h"
#include "decimate.h"
#include "recorded_rows.h"

#include <math.h>
#include <stdlib.h>

static void test_method_names(void)
{
    pv_decimate_method m = PV_DECIMATE_NONE;

    CHECK_INT_EQ(pv_decimator_method_parse("minmax", &m), 0);
    CHECK_INT_EQ(m, PV_DECIMATE_MINMAX);
    CHECK_INT_EQ(pv_decimator_method_parse("rms", &m), 0);
    CHECK_INT_EQ(m, PV_DECIMATE_RMS);
    CHECK_STR_EQ(pv_decimator_method_name(PV_DECIMATE_DOWNSAMPLE), "downsample");
    CHECK_STR_EQ(pv_decimator_method_name(PV_DECIMATE_MEAN), "mean");
    CHECK_INT_EQ(pv_decimator_method_parse("none", &m), PIVOT_EINVAL);
    CHECK_INT_EQ(pv_decimator_method_parse("Mean", &m), PIVOT_EINVAL);
    CHECK_INT_EQ(pv_decimator_method_parse(NULL, &m), PIVOT_EINVAL);
}

static const pivot_signal_info mixed[] = {{"i", PIVOT_TYPE_INT32},
                                          {"x", PIVOT_TYPE_FLOAT64},
                                          {"s", PIVOT_TYPE_STRING},
                                          {"b", PIVOT_TYPE_BOOL}};

/* Seven samples at 0..6 s: i = 1..7, x = 10 * i, s = "a".."g", b alternating. */
static void feed_mixed(pv_decimator *dc, recorded_rows *c, size_t split)
{
    int64_t t[7];
    int32_t iv[7];
    double xv[7];
    uint8_t bv[7];
    const char *sv[7] = {"a", "b", "c", "d", "e", "f", "g"};
    char err[PIVOT_ERRMSG_SIZE] = "";

    for (int r = 0; r < 7; r++) {
        t[r] = (int64_t)r * 1000000000LL;
        iv[r] = r + 1;
        xv[r] = 10.0 * (r + 1);
        bv[r] = (uint8_t)(r % 2);
    }
    /* Two batches, split at `split`, to cross buckets over a batch boundary. */
    for (int part = 0; part < 2; part++) {
        size_t from = part == 0 ? 0 : split, n = part == 0 ? split : 7 - split;
        pivot_column cols[4] = {{"i", PIVOT_TYPE_INT32, iv + from},
                                {"x", PIVOT_TYPE_FLOAT64, xv + from},
                                {"s", PIVOT_TYPE_STRING, sv + from},
                                {"b", PIVOT_TYPE_BOOL, bv + from}};
        pivot_batch b = {sizeof(pivot_batch), n, t + from, 4, cols, NULL};
        CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, c, err, sizeof(err)), 0);
    }
    CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, c, err, sizeof(err)), 0);
}

static void test_factor_mean(void)
{
    pv_decimation d = {PV_DECIMATE_MEAN, 3, 0};
    pv_decimator *dc = NULL;
    static recorded_rows c;
    char err[PIVOT_ERRMSG_SIZE] = "";
    size_t n = 0;

    memset(&c, 0, sizeof(c));
    CHECK_INT_EQ(pv_decimator_new(&d, 0, mixed, NULL, 4, &dc, err, sizeof(err)), 0);
    const pivot_signal_info *out = pv_decimator_signals(dc, &n);
    CHECK_INT_EQ(n, 4);
    CHECK_STR_EQ(out[0].name, "i");
    CHECK_INT_EQ(out[0].type, PIVOT_TYPE_FLOAT64); /* int mean becomes float64 */
    CHECK_INT_EQ(out[1].type, PIVOT_TYPE_FLOAT64);
    CHECK_INT_EQ(out[2].type, PIVOT_TYPE_STRING);
    CHECK_INT_EQ(out[3].type, PIVOT_TYPE_BOOL);
    feed_mixed(dc, &c, 2);
    /* Buckets {0,1,2} {3,4,5} {6}: times of their first samples. */
    CHECK_INT_EQ(c.rows, 3);
    CHECK_INT_EQ(c.batches, 1);
    CHECK_INT_EQ(c.time[0], 0);
    CHECK_INT_EQ(c.time[1], 3000000000LL);
    CHECK_INT_EQ(c.time[2], 6000000000LL);
    CHECK(c.num[0][0] == 2.0 && c.num[0][1] == 5.0 && c.num[0][2] == 7.0);
    CHECK(c.num[1][0] == 20.0 && c.num[1][1] == 50.0 && c.num[1][2] == 70.0);
    CHECK_STR_EQ(c.str[2][0], "a");
    CHECK_STR_EQ(c.str[2][1], "d");
    CHECK_STR_EQ(c.str[2][2], "g");
    CHECK(c.num[3][0] == 0.0 && c.num[3][1] == 1.0 && c.num[3][2] == 0.0);
    CHECK_INT_EQ(c.batches_with_valid, 0); /* no signal is nullable: no masks */
    pv_decimator_free(dc);
}

static void test_interval_minmax(void)
{
    /* Buckets of 2 s aligned to an origin of -1 s: [-1,1) [1,3) [3,5) [5,7). */
    pv_decimation d = {PV_DECIMATE_MINMAX, 0, 2000000000LL};
    pv_decimator *dc = NULL;
    static recorded_rows c;
    char err[PIVOT_ERRMSG_SIZE] = "";
    size_t n = 0;

    memset(&c, 0, sizeof(c));
    CHECK_INT_EQ(pv_decimator_new(&d, -1000000000LL, mixed, NULL, 4, &dc, err, sizeof(err)), 0);
    const pivot_signal_info *out = pv_decimator_signals(dc, &n);
    CHECK_INT_EQ(n, 6);
    CHECK_STR_EQ(out[0].name, "i.min");
    CHECK_STR_EQ(out[1].name, "i.max");
    CHECK_INT_EQ(out[1].type, PIVOT_TYPE_INT32);
    CHECK_STR_EQ(out[2].name, "x.min");
    CHECK_STR_EQ(out[3].name, "x.max");
    CHECK_STR_EQ(out[4].name, "s");
    CHECK_STR_EQ(out[5].name, "b");
    feed_mixed(dc, &c, 4);
    CHECK_INT_EQ(c.rows, 4);
    CHECK_INT_EQ(c.time[0], -1000000000LL);
    CHECK_INT_EQ(c.time[1], 1000000000LL);
    CHECK_INT_EQ(c.time[3], 5000000000LL);
    /* i: {1} {2,3} {4,5} {6,7} */
    CHECK(c.num[0][0] == 1 && c.num[1][0] == 1);
    CHECK(c.num[0][1] == 2 && c.num[1][1] == 3);
    CHECK(c.num[0][2] == 4 && c.num[1][2] == 5);
    CHECK(c.num[0][3] == 6 && c.num[1][3] == 7);
    CHECK(c.num[2][3] == 60.0 && c.num[3][3] == 70.0);
    CHECK_STR_EQ(c.str[4][2], "d");
    CHECK(c.num[5][1] == 1.0); /* b at 1 s */
    pv_decimator_free(dc);
}

/* Empty buckets give no row; rms and downsample over a float32 and an int64. */
static void test_gaps_rms_downsample(void)
{
    static const pivot_signal_info sigs[] = {{"f", PIVOT_TYPE_FLOAT32}, {"l", PIVOT_TYPE_INT64}};
    int64_t t[] = {0, 100, 250, 5000, 5100};
    float fv[] = {3.0f, 4.0f, -5.0f, 1.5f, 2.5f};
    int64_t lv[] = {9000000000000LL, 2, 3, 4, 5};
    pivot_column cols[] = {{"f", PIVOT_TYPE_FLOAT32, fv}, {"l", PIVOT_TYPE_INT64, lv}};
    pivot_batch b = {sizeof(pivot_batch), 5, t, 2, cols, NULL};
    char err[PIVOT_ERRMSG_SIZE] = "";
    static recorded_rows c;
    pv_decimator *dc = NULL;

    pv_decimation rms = {PV_DECIMATE_RMS, 0, 1000};
    memset(&c, 0, sizeof(c));
    CHECK_INT_EQ(pv_decimator_new(&rms, 0, sigs, NULL, 2, &dc, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(c.rows, 2); /* buckets 0 and 5; 1..4 are empty */
    CHECK_INT_EQ(c.time[1], 5000);
    CHECK_INT_EQ(c.type[0], PIVOT_TYPE_FLOAT64);
    CHECK(c.num[0][0] == sqrt((9.0 + 16.0 + 25.0) / 3.0));
    CHECK(c.num[0][1] == sqrt((1.5 * 1.5 + 2.5 * 2.5) / 2.0));
    pv_decimator_free(dc);

    pv_decimation down = {PV_DECIMATE_DOWNSAMPLE, 2, 0};
    memset(&c, 0, sizeof(c));
    CHECK_INT_EQ(pv_decimator_new(&down, 0, sigs, NULL, 2, &dc, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(c.rows, 3);
    CHECK_INT_EQ(c.type[0], PIVOT_TYPE_FLOAT32);
    CHECK_INT_EQ(c.type[1], PIVOT_TYPE_INT64);
    CHECK(c.num[0][0] == 3.0 && c.num[0][1] == -5.0 && c.num[0][2] == 2.5);
    CHECK(c.num[1][0] == 9000000000000.0 && c.num[1][1] == 3.0 && c.num[1][2] == 5.0);
    CHECK_INT_EQ(c.time[2], 5100);
    pv_decimator_free(dc);
}

/* A NaN makes min, max and mean NaN, as in numpy. */
static void test_nan(void)
{
    static const pivot_signal_info sigs[] = {{"x", PIVOT_TYPE_FLOAT64}};
    int64_t t[] = {0, 1, 2, 3};
    double xv[] = {1.0, NAN, 0.5, 2.0};
    pivot_column cols[] = {{"x", PIVOT_TYPE_FLOAT64, xv}};
    pivot_batch b = {sizeof(pivot_batch), 4, t, 1, cols, NULL};
    char err[PIVOT_ERRMSG_SIZE] = "";
    static recorded_rows c;
    pv_decimator *dc = NULL;
    pv_decimation d = {PV_DECIMATE_MINMAX, 2, 0};

    memset(&c, 0, sizeof(c));
    CHECK_INT_EQ(pv_decimator_new(&d, 0, sigs, NULL, 1, &dc, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(c.rows, 2);
    CHECK(isnan(c.num[0][0]) && isnan(c.num[1][0]));
    CHECK(c.num[0][1] == 0.5 && c.num[1][1] == 2.0);
    pv_decimator_free(dc);
}

/* 10000 samples by 2: 5000 rows handed out as 4096 then 904; a failing emit stops the feed. */
static void test_batching_and_emit_failure(void)
{
    static const pivot_signal_info sigs[] = {{"n", PIVOT_TYPE_INT64}};
    static int64_t t[10000], v[10000];
    pivot_column cols[] = {{"n", PIVOT_TYPE_INT64, v}};
    pivot_batch b = {sizeof(pivot_batch), 10000, t, 1, cols, NULL};
    char err[PIVOT_ERRMSG_SIZE] = "";
    static recorded_rows c;
    pv_decimator *dc = NULL;
    pv_decimation d = {PV_DECIMATE_MAX, 2, 0};

    for (int i = 0; i < 10000; i++) {
        t[i] = i * 10;
        v[i] = i;
    }
    memset(&c, 0, sizeof(c));
    CHECK_INT_EQ(pv_decimator_new(&d, 0, sigs, NULL, 1, &dc, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(c.batches, 1);
    CHECK_INT_EQ(c.rows, PV_DECIMATE_BATCH_ROWS);
    CHECK_INT_EQ(pv_decimator_flush(dc, record_rows, &c, err, sizeof(err)), 0);
    CHECK_INT_EQ(c.batches, 2);
    CHECK_INT_EQ(c.rows, 5000);
    CHECK(c.num[0][4999] == 9999.0 && c.time[4999] == 99980);
    pv_decimator_free(dc);

    memset(&c, 0, sizeof(c));
    c.fail_at_batch = 1;
    CHECK_INT_EQ(pv_decimator_new(&d, 0, sigs, NULL, 1, &dc, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, &c, err, sizeof(err)), PIVOT_EIO);
    pv_decimator_free(dc);
}

static void test_refusals(void)
{
    static const pivot_signal_info sigs[] = {{"n", PIVOT_TYPE_INT64}};
    int64_t t[] = {0};
    double v[] = {1.0};
    pivot_column cols[] = {{"n", PIVOT_TYPE_FLOAT64, v}};
    pivot_batch b = {sizeof(pivot_batch), 1, t, 1, cols, NULL};
    char err[PIVOT_ERRMSG_SIZE] = "";
    pv_decimator *dc = NULL;
    pv_decimation both = {PV_DECIMATE_MEAN, 2, 1000}, neither = {PV_DECIMATE_MEAN, 0, 0};
    pv_decimation ok = {PV_DECIMATE_MEAN, 2, 0};
    recorded_rows *c = calloc(1, sizeof(*c));

    CHECK_INT_EQ(pv_decimator_new(&both, 0, sigs, NULL, 1, &dc, err, sizeof(err)), PIVOT_EINVAL);
    CHECK(dc == NULL);
    CHECK_INT_EQ(pv_decimator_new(&neither, 0, sigs, NULL, 1, &dc, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_INT_EQ(pv_decimator_new(&ok, 0, sigs, NULL, 1, &dc, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_decimator_feed(dc, &b, record_rows, c, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "signal \"n\" arrived as float64, described as int64");
    pv_decimator_free(dc);
    free(c);
}

int main(void)
{
    test_method_names();
    test_factor_mean();
    test_interval_minmax();
    test_gaps_rms_downsample();
    test_nan();
    test_batching_and_emit_failure();
    test_refusals();
    return check_report();
}
