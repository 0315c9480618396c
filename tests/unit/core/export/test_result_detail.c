/* The result detail a worker stores: exact JSON for channels with and
 * without samples and for warnings. */
#include "check.h"
#include "json_out.h"

#include <stdlib.h>

int main(void)
{
    /* 2025-01-01T00:00:00Z and 00:00:09.995Z */
    pv_channel_detail ch[] = {
        {"ch000", 2000, 1735689600000000000LL, 1735689609995000000LL},
        {"ch001", 0, 0, 0},
    };
    const char *warnings[] = {"channel \"ch000\": data_1735689600.avro: truncated"};
    char *text = pv_json_result_detail(ch, 2, warnings, 1);

    CHECK_STR_EQ(text,
                 "{\"channels\":[{\"name\":\"ch000\",\"samples\":2000,"
                 "\"first\":\"2025-01-01T00:00:00Z\",\"last\":\"2025-01-01T00:00:09.995Z\"},"
                 "{\"name\":\"ch001\",\"samples\":0,\"first\":null,\"last\":null}],"
                 "\"channels_missing\":[\"ch001\"],"
                 "\"warnings\":[\"channel \\\"ch000\\\": data_1735689600.avro: truncated\"]}");
    free(text);

    text = pv_json_result_detail(NULL, 0, NULL, 0);
    CHECK_STR_EQ(text, "{\"channels\":[],\"channels_missing\":[],\"warnings\":[]}");
    free(text);
    return check_report();
}
