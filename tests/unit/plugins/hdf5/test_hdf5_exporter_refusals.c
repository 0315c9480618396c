/*
 * What the hdf5 exporter refuses among the typed signal kinds, each with
 * the message the user reads: a nullable signal whose `.valid` mask would
 * take another signal's name, details that do not describe the begun
 * signals, a type newer than the plugin, enum indices beyond the symbols and
 * fixed-size bytes of another length.
 *
 * usage: test_hdf5_exporter_refusals <path of hdf5.so> <output directory>
 */
#include "check.h"
#include "test_hdf5_exporter_host.h"
#include "test_hdf5_exporter_support.h"

#include <unistd.h>

/* 2025-01-23T14:30:00Z */
#define T0 INT64_C(1737642600000000000)

enum { MODE, HASH, NSIGNALS };

static const pivot_signal_info signals[NSIGNALS] = {
    [MODE] = {"mode", PIVOT_TYPE_ENUM},
    [HASH] = {"hash", PIVOT_TYPE_BYTES},
};
static const char *const modes[] = {"OFF", "IDLE", "RUN", "FAULT"};
static const pivot_signal_detail mode_detail = {
    .size = sizeof(pivot_signal_detail), .nsymbols = 4, .symbols = modes};
static const pivot_signal_detail hash_detail = {.size = sizeof(pivot_signal_detail),
                                                .fixed_size = 4};
static const pivot_signal_detail *const details[NSIGNALS] = {
    [MODE] = &mode_detail, [HASH] = &hash_detail};

/* A nullable signal whose mask name is another signal's: refused before anything is made. */
static void check_mask_clash(const pivot_exporter *e, void *exp)
{
    static const pivot_signal_info clash[] = {{"x", PIVOT_TYPE_INT32},
                                              {"x.valid", PIVOT_TYPE_INT32}};
    const pivot_signal_detail nullable = {.size = sizeof(pivot_signal_detail), .nullable = 1};
    const pivot_signal_detail *nullable_x[] = {&nullable, NULL};
    const pivot_signal_detail *plain_x[] = {NULL, &nullable};
    pivot_channel_info channel = {.size = sizeof(pivot_channel_info),
                                  .name = "clash",
                                  .nsignals = 2,
                                  .signals = clash,
                                  .details = nullable_x};
    const pivot_channel_summary empty = {sizeof(empty), 0, {0, 0}};
    char err[PIVOT_ERRMSG_SIZE] = "";

    CHECK_INT_EQ(e->begin_channel(exp, &channel, clash, 2, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "channel \"clash\" signal \"x\": its null mask would be the dataset "
                      "\"x.valid\", which is another signal; leave one of the two out of the "
                      "request's signals");
    /* x.valid nullable makes x.valid.valid, and x has no mask: no clash, and no
     * half-made group was left by the refusal. */
    channel.details = plain_x;
    CHECK_INT_EQ(e->begin_channel(exp, &channel, clash, 2, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->end_channel(exp, &empty, err, sizeof(err)), 0);
}

/* Details that do not describe the begun signals are refused. */
static void check_detail_mismatch(const pivot_exporter *e, void *exp)
{
    pivot_channel_info channel = {.size = sizeof(pivot_channel_info),
                                  .name = "mismatch",
                                  .nsignals = NSIGNALS,
                                  .signals = signals,
                                  .details = details};
    char err[PIVOT_ERRMSG_SIZE] = "";

    CHECK_INT_EQ(e->begin_channel(exp, &channel, signals, 1, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "channel \"mismatch\": its details describe 2 signals, 1 were begun");
    channel.nsignals = 1;
    channel.signals = &signals[HASH];
    CHECK_INT_EQ(e->begin_channel(exp, &channel, signals, 1, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "channel \"mismatch\" signal \"mode\": its detail describes \"hash\"");
}

/* A type newer than the plugin is refused by name and number. */
static void check_unknown_type(const pivot_exporter *e, void *exp)
{
    const pivot_signal_info future[] = {{"future", (pivot_type)(PIVOT_TYPE_BYTES + 1)}};
    const pivot_channel_info channel = {
        .size = sizeof(pivot_channel_info), .name = "later", .nsignals = 1, .signals = future};
    char err[PIVOT_ERRMSG_SIZE] = "";

    CHECK_INT_EQ(e->begin_channel(exp, &channel, future, 1, err, sizeof(err)), PIVOT_ENOTSUP);
    CHECK_STR_EQ(err, "channel \"later\" signal \"future\": unsupported type 9");
}

/* One bad element in a batch of 3 fails the append with the sample's number. */
static void check_bad_element(const pivot_exporter *e, const char *path, size_t signal,
                              const void *data, const char *expected)
{
    pivot_export_info info = tx_export_info("job-bad", T0, T0 + 3);
    const pivot_signal_detail *one_detail[] = {details[signal]};
    const pivot_channel_info channel = {.size = sizeof(pivot_channel_info),
                                        .name = "bad",
                                        .nsignals = 1,
                                        .signals = &signals[signal],
                                        .details = one_detail};
    const int64_t times[3] = {T0, T0 + 1, T0 + 2};
    const pivot_column column = {signals[signal].name, signals[signal].type, data};
    const pivot_batch batch = {
        .size = sizeof(pivot_batch), .count = 3, .time = times, .ncolumns = 1, .columns = &column};
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;

    unlink(path);
    CHECK_INT_EQ(e->open(path, &info, &exp, err, sizeof(err)), 0);
    if (exp == NULL)
        return;
    CHECK_INT_EQ(e->begin_channel(exp, &channel, &signals[signal], 1, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->append(exp, &batch, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, expected);
    /* The host then abandons the export. */
    CHECK_INT_EQ(e->close(exp, NULL, err, sizeof(err)), 0);
    unlink(path);
}

static void check_refusals(const pivot_exporter *e, const char *path)
{
    static const int32_t beyond[3] = {0, 3, 4};
    static const int32_t negative[3] = {-1, 0, 0};
    static const uint8_t three[3] = {1, 2, 3};
    static const pivot_bytes short_hash[3] = {{three, 0}, {three, 3}, {three, 0}};
    pivot_export_info info = tx_export_info("job-refusals", T0, T0 + 3);
    const pivot_export_summary sum = {sizeof(sum), 0, 1, {0, 0}};
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;

    unlink(path);
    CHECK_INT_EQ(e->open(path, &info, &exp, err, sizeof(err)), 0);
    if (exp == NULL)
        return;
    check_mask_clash(e, exp);
    check_detail_mismatch(e, exp);
    check_unknown_type(e, exp);
    CHECK_INT_EQ(e->close(exp, &sum, err, sizeof(err)), 0);
    unlink(path);

    check_bad_element(e, path, MODE, beyond,
                      "channel \"bad\" signal \"mode\": sample 2 holds enum index 4, "
                      "the signal has 4 symbols");
    check_bad_element(e, path, MODE, negative,
                      "channel \"bad\" signal \"mode\": sample 0 holds enum index -1, "
                      "the signal has 4 symbols");
    check_bad_element(e, path, HASH, short_hash,
                      "channel \"bad\" signal \"hash\": sample 1 has 3 bytes, "
                      "the signal's fixed size is 4");
}

int main(int argc, char **argv)
{
    const pivot_exporter *e;
    char path[4096];

    if (argc != 3) {
        fprintf(stderr, "usage: %s <hdf5.so> <output directory>\n", argv[0]);
        return 2;
    }
    e = tx_load_exporter(argv[1]);
    CHECK(e != NULL);
    if (e == NULL)
        return check_report();
    snprintf(path, sizeof(path), "%s/refusals.h5", argv[2]);
    check_refusals(e, path);
    CHECK(access(path, F_OK) != 0);
    return check_report();
}
