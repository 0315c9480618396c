/*
 * The export pipeline against a scripted source and a recording exporter:
 * order of calls, signal mapping, totals, progress, cancel, and the
 * messages that say which channel and which side failed.
 */
#include "check.h"
#include "pipeline_support.h"

/* ---- a scripted source: channels "a" and "b", schema x:int32 y:float64 s:string ---- */

static const pivot_signal_info schema[] = {
    {"x", PIVOT_TYPE_INT32}, {"y", PIVOT_TYPE_FLOAT64}, {"s", PIVOT_TYPE_STRING}};

/* Channel "a": three batches over the range [1000, 2000); "b": none. */
static const int64_t a_times[3][2] = {{1000, 1249}, {1300, 1499}, {1500, 1999}};

typedef struct fake_source {
    int infos_live;       /* describe minus free_info; first, for ps_free_info */
    int fail_scan_of_b;   /* scan of "b" returns PIVOT_EIO */
    int warn_in_b;        /* scan of "b" reports a warning */
    const char *asked[3]; /* signals of the last scan */
    size_t nasked;
} fake_source;

static int src_describe(void *ctx, const char *channel, pivot_channel_info **out, char *err,
                        size_t errlen)
{
    fake_source *fs = ctx;
    if (strcmp(channel, "a") != 0 && strcmp(channel, "b") != 0)
        return PIVOT_ENOENT;
    pivot_channel_info *info = ps_info_new(&fs->infos_live);
    if (info == NULL)
        return PIVOT_ENOMEM;
    info->name = strcmp(channel, "a") == 0 ? "a" : "b";
    info->nsignals = 3;
    info->signals = schema;
    info->schema = "{\"type\":\"record\"}";
    *out = info;
    return 0;
}

static int src_scan(void *ctx, const char *channel, const char *const *signals, size_t nsignals,
                    pivot_range range, const pivot_scan_sink *sink, char *err, size_t errlen)
{
    fake_source *fs = ctx;
    int32_t xs[2] = {1, 2};
    double ys[2] = {0.5, 1.5};
    const char *ss[2] = {"p", "q"};
    pivot_column cols[3];

    fs->nasked = nsignals;
    for (size_t i = 0; i < nsignals && i < 3; i++) {
        fs->asked[i] = signals[i];
        cols[i].name = signals[i];
        cols[i].type = strcmp(signals[i], "x") == 0   ? PIVOT_TYPE_INT32
                       : strcmp(signals[i], "y") == 0 ? PIVOT_TYPE_FLOAT64
                                                      : PIVOT_TYPE_STRING;
        cols[i].data = strcmp(signals[i], "x") == 0   ? (const void *)xs
                       : strcmp(signals[i], "y") == 0 ? (const void *)ys
                                                      : (const void *)ss;
    }
    if (strcmp(channel, "b") == 0) {
        if (fs->warn_in_b && sink->warning != NULL)
            sink->warning(sink->arg, "skipped data_5.avro: not an Avro file");
        if (fs->fail_scan_of_b) {
            snprintf(err, errlen, "reading data_1736000000.avro failed: bad block");
            return PIVOT_EIO;
        }
        return 0;
    }
    for (int b = 0; b < 3; b++) {
        pivot_batch batch = {sizeof(pivot_batch), 2, a_times[b], nsignals, cols, NULL};
        int rc = sink->batch(sink->arg, &batch);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static pivot_source fake_source_provider = PS_SOURCE(src_describe, src_scan);

/* ---- a recording exporter ---- */

typedef struct fake_exporter {
    char calls[256]; /* "B(a:y,x)" "A2" "E(a,6,1000,2000)" ... */
    int fail_append; /* append number n (1-based) fails */
    int appends;
    pivot_type types[3];
} fake_exporter;

static void record(fake_exporter *fe, const char *s)
{
    strncat(fe->calls, s, sizeof(fe->calls) - strlen(fe->calls) - 1);
}

static int exp_begin(void *exp, const pivot_channel_info *channel, const pivot_signal_info *sigs,
                     size_t n, char *err, size_t errlen)
{
    fake_exporter *fe = exp;
    char buf[64];
    snprintf(buf, sizeof(buf), "B(%s:", channel->name);
    record(fe, buf);
    for (size_t i = 0; i < n; i++) {
        record(fe, i ? "," : "");
        record(fe, sigs[i].name);
        if (i < 3)
            fe->types[i] = sigs[i].type;
    }
    record(fe, ")");
    return 0;
}

static int exp_append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    fake_exporter *fe = exp;
    char buf[32];
    if (++fe->appends == fe->fail_append) {
        snprintf(err, errlen, "disk full");
        return PIVOT_EIO;
    }
    snprintf(buf, sizeof(buf), "A%zu", batch->count);
    record(fe, buf);
    return 0;
}

static int exp_end(void *exp, const pivot_channel_summary *s, char *err, size_t errlen)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "E(%llu,%lld,%lld)", (unsigned long long)s->samples,
             (long long)s->actual.start_ns, (long long)s->actual.end_ns);
    record(exp, buf);
    return 0;
}

static pivot_exporter fake_exporter_provider = PS_EXPORTER(exp_begin, exp_append, exp_end);

/* ---- progress recorder ---- */

typedef struct progress_log {
    double values[16];
    int n;
    int cancel_at; /* the n-th report (1-based) asks to stop */
} progress_log;

static int on_progress(void *arg, double percent)
{
    progress_log *pl = arg;
    if (pl->n < 16)
        pl->values[pl->n] = percent;
    pl->n++;
    return pl->n == pl->cancel_at;
}

static const char *const a_signals[] = {"y", "x"};
static const char *const b_signals[] = {"s"};

static pv_pipeline make(fake_source *fs, fake_exporter *fe, progress_log *pl,
                        const pv_pipeline_channel *chs, size_t n)
{
    pv_pipeline p = ps_pipeline(&fake_source_provider, fs, &fake_exporter_provider, fe,
                                (pivot_range){1000, 2000}, chs, n);

    p.progress = on_progress;
    p.progress_arg = pl;
    return p;
}

static const pv_pipeline_channel two[] = {{"a", a_signals, 2}, {"b", b_signals, 1}};

static void test_success(void)
{
    fake_source fs = {.warn_in_b = 1};
    fake_exporter fe = {0};
    progress_log pl = {0};
    pv_pipeline p = make(&fs, &fe, &pl, two, 2);
    pv_pipeline_result res;
    char err[512] = "";

    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), 0);
    CHECK_STR_EQ(err, "");
    CHECK_STR_EQ(fe.calls, "B(a:y,x)A2A2A2E(6,1000,2000)B(b:s)E(0,0,0)");
    CHECK_INT_EQ(fe.types[0], PIVOT_TYPE_STRING); /* last begin_channel: b's "s" */
    CHECK_INT_EQ(fs.nasked, 1);
    CHECK_STR_EQ(fs.asked[0], "s");
    CHECK_INT_EQ(fs.infos_live, 0);
    CHECK_INT_EQ(res.summary.size, sizeof(pivot_export_summary));
    CHECK_INT_EQ(res.summary.channels, 2);
    CHECK_INT_EQ(res.summary.samples, 6);
    CHECK_INT_EQ(res.summary.actual.start_ns, 1000);
    CHECK_INT_EQ(res.summary.actual.end_ns, 2000);
    /* a's batches end at 1249, 1499, 1999 of [1000, 2000): a quarter, half
     * and all of channel 1 of 2; then a done; then b done, capped at 99. */
    CHECK_INT_EQ(pl.n, 5);
    CHECK(pl.values[0] == 12.5);
    CHECK(pl.values[1] == 25.0);
    CHECK(pl.values[2] == 50.0);
    CHECK(pl.values[3] == 50.0);
    CHECK(pl.values[4] == 99.0);
    CHECK(res.percent == 99.0);
    CHECK_INT_EQ(res.nwarnings, 1);
    CHECK_STR_EQ(res.warnings[0], "channel \"b\": skipped data_5.avro: not an Avro file");
}

static void test_types_follow_request_order(void)
{
    fake_source fs = {0};
    fake_exporter fe = {0};
    progress_log pl = {0};
    pv_pipeline p = make(&fs, &fe, &pl, two, 1);
    pv_pipeline_result res;
    char err[512] = "";

    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), 0);
    CHECK_INT_EQ(fe.types[0], PIVOT_TYPE_FLOAT64);
    CHECK_INT_EQ(fe.types[1], PIVOT_TYPE_INT32);
    CHECK_INT_EQ(fs.nasked, 2);
    CHECK_STR_EQ(fs.asked[0], "y");
    CHECK_STR_EQ(fs.asked[1], "x");
}

static void test_cancel_mid_channel(void)
{
    fake_source fs = {0};
    fake_exporter fe = {0};
    progress_log pl = {.cancel_at = 2};
    pv_pipeline p = make(&fs, &fe, &pl, two, 2);
    pv_pipeline_result res;
    char err[512] = "";

    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), PIVOT_ECANCELED);
    CHECK_STR_EQ(fe.calls, "B(a:y,x)A2A2");
    CHECK_INT_EQ(res.summary.channels, 0);
    CHECK(res.percent == 25.0);
    CHECK_INT_EQ(fs.infos_live, 0);
}

static void test_cancel_between_channels(void)
{
    fake_source fs = {0};
    fake_exporter fe = {0};
    progress_log pl = {.cancel_at = 4};
    pv_pipeline p = make(&fs, &fe, &pl, two, 2);
    pv_pipeline_result res;
    char err[512] = "";

    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), PIVOT_ECANCELED);
    CHECK_STR_EQ(fe.calls, "B(a:y,x)A2A2A2E(6,1000,2000)");
    CHECK_INT_EQ(res.summary.channels, 1);
}

static void test_source_failure_names_channel(void)
{
    fake_source fs = {.fail_scan_of_b = 1};
    fake_exporter fe = {0};
    progress_log pl = {0};
    pv_pipeline p = make(&fs, &fe, &pl, two, 2);
    pv_pipeline_result res;
    char err[512] = "";

    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), PIVOT_EIO);
    CHECK_STR_EQ(err, "channel \"b\": reading data_1736000000.avro failed: bad block");
    CHECK_INT_EQ(res.summary.channels, 1);
    CHECK_INT_EQ(res.summary.samples, 6);
    CHECK_INT_EQ(fs.infos_live, 0);
}

static void test_exporter_failure_names_format(void)
{
    fake_source fs = {0};
    fake_exporter fe = {.fail_append = 2};
    progress_log pl = {0};
    pv_pipeline p = make(&fs, &fe, &pl, two, 2);
    pv_pipeline_result res;
    char err[512] = "";

    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), PIVOT_EIO);
    CHECK_STR_EQ(err, "channel \"a\": writing the HDF5 file failed: disk full");
    CHECK_STR_EQ(fe.calls, "B(a:y,x)A2");
    CHECK_INT_EQ(pl.n, 1);
}

static void test_missing_signal_and_channel(void)
{
    static const char *const gone[] = {"x", "z"};
    const pv_pipeline_channel bad_signal[] = {{"a", gone, 2}};
    const pv_pipeline_channel bad_channel[] = {{"c", b_signals, 1}};
    fake_source fs = {0};
    fake_exporter fe = {0};
    progress_log pl = {0};
    pv_pipeline_result res;
    char err[512] = "";

    pv_pipeline p = make(&fs, &fe, &pl, bad_signal, 1);
    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), PIVOT_ENOENT);
    CHECK_STR_EQ(err, "channel \"a\": signal \"z\" is no longer in the channel's schema");
    CHECK_STR_EQ(fe.calls, "");
    CHECK_INT_EQ(fs.infos_live, 0);

    p = make(&fs, &fe, &pl, bad_channel, 1);
    CHECK_INT_EQ(pv_pipeline_run(&p, &res, err, sizeof(err)), PIVOT_ENOENT);
    CHECK_STR_EQ(err, "channel \"c\": not found in the data source");
}

static void test_format_label(void)
{
    char label[8];
    pv_pipeline_format_label(&fake_exporter_provider, label, sizeof(label));
    CHECK_STR_EQ(label, "HDF5");
    pv_pipeline_format_label(&fake_exporter_provider, label, 3);
    CHECK_STR_EQ(label, "HD");
}

int main(void)
{
    test_success();
    test_types_follow_request_order();
    test_cancel_mid_channel();
    test_cancel_between_channels();
    test_source_failure_names_channel();
    test_exporter_failure_names_format();
    test_missing_signal_and_channel();
    test_format_label();
    return check_report();
}
