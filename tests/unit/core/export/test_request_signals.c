/*
 * The `signals` member of a job request against channel descriptions:
 * signals selected in order, unknown names, fields the source lists as
 * unsupported, and a source that lists no unsupported fields.
 */
#include "check.h"
#include "json_out.h"
#include "request_internal.h"

#include <stddef.h>
#include <stdlib.h>

static const pivot_signal_info signals[] = {
    {"speed", PIVOT_TYPE_FLOAT64}, {"state", PIVOT_TYPE_ENUM}, {"tag", PIVOT_TYPE_BYTES}};
/* The second reason ends with a full stop, which the detail must not double. */
static const pivot_unsupported_field unsupported[] = {
    {"samples", "array", "an Avro array holds many values per sample"},
    {"extra", "map", "an Avro map has no fixed set of signals."}};

/* A channel with three signals and two unsupported fields. */
static pivot_channel_info current_info(void)
{
    pivot_channel_info info = {.size = sizeof(pivot_channel_info),
                               .name = "ch1",
                               .nsignals = 3,
                               .signals = signals,
                               .schema = NULL,
                               .details = NULL,
                               .nunsupported = 2,
                               .unsupported = unsupported};
    return info;
}

/* Runs the selection of `json` over channels ch1 (info1) and ch2 (info2). */
static int run(const char *json, pivot_channel_info *info1, pivot_channel_info *info2,
               pv_channel_list selected[2], pv_problem *pb)
{
    char err[256];
    pv_channel_list channels = {0};
    pivot_channel_info *infos[2] = {info1, info2};
    yajl_val root = pv_json_parse(json, strlen(json), err, sizeof(err));
    int rc;

    CHECK(root != NULL);
    pv_channel_list_add(&channels, "ch1");
    pv_channel_list_add(&channels, "ch2");
    memset(selected, 0, 2 * sizeof(*selected));
    memset(pb, 0, sizeof(*pb));
    rc = pv_request_select_signals(pv_json_member(root, "signals"), &channels, infos, selected, pb);
    yajl_tree_free(root);
    pv_channel_list_free(&channels);
    return rc;
}

static void free_selected(pv_channel_list selected[2])
{
    pv_channel_list_free(&selected[0]);
    pv_channel_list_free(&selected[1]);
}

static void test_selects_listed_and_all(void)
{
    pivot_channel_info a = current_info(), b = current_info();
    pv_channel_list sel[2];
    pv_problem pb;

    CHECK_INT_EQ(run("{\"signals\": {\"ch1\": [\"tag\", \"time\", \"speed\"]}}", &a, &b, sel, &pb),
                 0);
    CHECK_INT_EQ(sel[0].count, 2);
    CHECK_STR_EQ(sel[0].names[0], "tag");
    CHECK_STR_EQ(sel[0].names[1], "speed");
    CHECK_INT_EQ(sel[1].count, 3);
    CHECK_STR_EQ(sel[1].names[0], "speed");
    CHECK_STR_EQ(sel[1].names[1], "state");
    CHECK_STR_EQ(sel[1].names[2], "tag");
    free_selected(sel);
}

static void test_unsupported_field_is_named_with_its_reason(void)
{
    pivot_channel_info a = current_info(), b = current_info();
    pv_channel_list sel[2];
    pv_problem pb;

    CHECK_INT_EQ(run("{\"signals\": {\"ch2\": [\"speed\", \"samples\"]}}", &a, &b, sel, &pb), -1);
    CHECK_INT_EQ(pb.status, 422);
    CHECK_STR_EQ(pb.type, "unsupported-signal");
    CHECK_STR_EQ(pb.title, "The job names fields that cannot be exported");
    CHECK_STR_EQ(pb.field, "signals.ch2");
    CHECK_STR_EQ(pb.detail,
                 "signals.ch2: field \"samples\" of channel \"ch2\" (source type array) cannot be "
                 "exported: an Avro array holds many values per sample. Remove it from "
                 "signals.ch2; the channel's other signals export as usual");
    free_selected(sel);
}

static void test_unsupported_outranks_unknown_and_lists_all(void)
{
    pivot_channel_info a = current_info(), b = current_info();
    pv_channel_list sel[2];
    pv_problem pb;

    CHECK_INT_EQ(run("{\"signals\": {\"ch1\": [\"nope\", \"extra\"], \"ch2\": [\"samples\"]}}", &a,
                     &b, sel, &pb),
                 -1);
    CHECK_STR_EQ(pb.type, "unsupported-signal");
    CHECK_STR_EQ(pb.field, "signals.ch1");
    CHECK_STR_EQ(pb.detail,
                 "signals.ch1: field \"extra\" of channel \"ch1\" (source type map) cannot be "
                 "exported: an Avro map has no fixed set of signals. Remove it from "
                 "signals.ch1; the channel's other signals export as usual (2 such fields "
                 "named: ch1.extra, ch2.samples)");
    free_selected(sel);
}

static void test_unknown_stays_unknown(void)
{
    pivot_channel_info a = current_info(), b = current_info();
    pv_channel_list sel[2];
    pv_problem pb;

    CHECK_INT_EQ(run("{\"signals\": {\"ch1\": [\"nope\"], \"ch2\": [\"speed\", \"x.y\"]}}", &a, &b,
                     sel, &pb),
                 -1);
    CHECK_INT_EQ(pb.status, 422);
    CHECK_STR_EQ(pb.type, "unknown-signal");
    CHECK_STR_EQ(pb.field, "signals");
    CHECK_STR_EQ(pb.detail, "signals: 2 signals were not found in the channels' schemas: "
                            "ch1.nope, ch2.x.y; GET /api/v1/pivot/channels lists each channel's "
                            "signals");
    free_selected(sel);
}

/* A source that lists no unsupported fields: a field it does not give is unknown. */
static void test_source_without_unsupported_list(void)
{
    pivot_channel_info a = current_info(), b = current_info();
    pv_channel_list sel[2];
    pv_problem pb;

    b.nunsupported = 0;
    b.unsupported = NULL;
    CHECK_INT_EQ(run("{\"signals\": {\"ch2\": [\"samples\"]}}", &a, &b, sel, &pb), -1);
    CHECK_STR_EQ(pb.type, "unknown-signal");
    CHECK_STR_EQ(pb.detail, "signals: 1 signal was not found in the channels' schemas: "
                            "ch2.samples; GET /api/v1/pivot/channels lists each channel's "
                            "signals");
    free_selected(sel);
}

static void test_malformed_lists(void)
{
    pivot_channel_info a = current_info(), b = current_info();
    pv_channel_list sel[2];
    pv_problem pb;

    CHECK_INT_EQ(run("{\"signals\": {\"ch1\": []}}", &a, &b, sel, &pb), -1);
    CHECK_INT_EQ(pb.status, 400);
    CHECK_STR_EQ(pb.field, "signals.ch1");
    free_selected(sel);
    CHECK_INT_EQ(run("{\"signals\": {\"ch3\": \"*\"}}", &a, &b, sel, &pb), -1);
    CHECK_INT_EQ(pb.status, 422);
    CHECK_STR_EQ(pb.type, "invalid-field");
    CHECK_STR_EQ(pb.field, "signals.ch3");
    free_selected(sel);
    CHECK_INT_EQ(run("{\"signals\": [1]}", &a, &b, sel, &pb), -1);
    CHECK_INT_EQ(pb.status, 400);
    CHECK_STR_EQ(pb.detail, "signals: must be an object mapping channels to a list of signals or "
                            "\"*\", e.g. {\"ch1\": [\"voltage\"], \"ch2\": \"*\"}; got an array");
    free_selected(sel);
}

int main(void)
{
    test_selects_listed_and_all();
    test_unsupported_field_is_named_with_its_reason();
    test_unsupported_outranks_unknown_and_lists_all();
    test_unknown_stays_unknown();
    test_source_without_unsupported_list();
    test_malformed_lists();
    return check_report();
}
