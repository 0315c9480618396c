/* The result detail a worker stores: exact JSON for channels with and
 * without samples, for channels short of the range and for warnings. */
#include "check.h"
#include "result_detail.h"

#include <stdlib.h>

/* The warning objects of a channel without data and of one with half of it. */
#define NONE                                                                                       \
    "{\"channel\":\"ch001\",\"kind\":\"no-data\",\"requested\":{\"start\":"                        \
    "\"2025-01-01T00:00:00Z\",\"end\":\"2025-01-01T00:00:10Z\"},\"available\":null,"               \
    "\"message\":\"channel \\\"ch001\\\" has no data in 2025-01-01T00:00:00Z to "                  \
    "2025-01-01T00:00:10Z; it holds no data at all\"}"
#define PARTIAL                                                                                    \
    "{\"channel\":\"ch002\",\"kind\":\"partial-data\",\"requested\":{\"start\":"                   \
    "\"2025-01-01T00:00:00Z\",\"end\":\"2025-01-01T00:00:10Z\"},\"available\":{\"start\":"         \
    "\"2025-01-01T00:00:05Z\",\"end\":\"2025-01-01T00:00:09.995Z\"},\"message\":\"channel "        \
    "\\\"ch002\\\" covers only part of 2025-01-01T00:00:00Z to 2025-01-01T00:00:10Z; its data "    \
    "spans 2025-01-01T00:00:05Z to 2025-01-01T00:00:09.995Z\"}"

int main(void)
{
    /* 2025-01-01T00:00:00Z to 00:00:10Z */
    const pivot_range range = {1735689600000000000LL, 1735689610000000000LL};
    pv_json_channel_detail ch[] = {
        {"ch000", 2000, 1735689600000000000LL, 1735689609995000000LL, {0}},
        {"ch001", 0, 0, 0, {PV_COVERAGE_NONE, range, {0, 0}}},
        {"ch002",
         1000,
         1735689605000000000LL,
         1735689609995000000LL,
         {PV_COVERAGE_PARTIAL, range, {1735689605000000000LL, 1735689609995000001LL}}},
    };
    const char *warnings[] = {"channel \"ch000\": data_1735689600.avro: truncated"};
    char *text = pv_result_detail_json(ch, 3, warnings, 1);

    CHECK_STR_EQ(text,
                 "{\"channels\":[{\"name\":\"ch000\",\"samples\":2000,"
                 "\"first\":\"2025-01-01T00:00:00Z\",\"last\":\"2025-01-01T00:00:09.995Z\"},"
                 "{\"name\":\"ch001\",\"samples\":0,\"first\":null,\"last\":null,"
                 "\"missing_data\":" NONE "},"
                 "{\"name\":\"ch002\",\"samples\":1000,\"first\":\"2025-01-01T00:00:05Z\","
                 "\"last\":\"2025-01-01T00:00:09.995Z\",\"missing_data\":" PARTIAL "}],"
                 "\"channels_missing\":[\"ch001\"],"
                 "\"missing_data\":[" NONE "," PARTIAL "],"
                 "\"warnings\":[\"channel \\\"ch000\\\": data_1735689600.avro: truncated\"]}");
    free(text);

    text = pv_result_detail_json(NULL, 0, NULL, 0);
    CHECK_STR_EQ(text,
                 "{\"channels\":[],\"channels_missing\":[],\"missing_data\":[],\"warnings\":[]}");
    free(text);
    return check_report();
}
