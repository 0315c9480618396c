/* options.decimation's method names. The interval is an ISO 8601 duration,
 * read by the SDK's grammar library as every duration of the API is. */
#include "decimate.h"

#include <string.h>

static const char *const method_names[] = {"none", "downsample", "mean",  "min",
                                           "max",  "rms",        "minmax"};

int pv_decimate_method_parse(const char *name, pv_decimate_method *out)
{
    for (size_t i = 1; name != NULL && i < sizeof(method_names) / sizeof(method_names[0]); i++) {
        if (strcmp(name, method_names[i]) == 0) {
            *out = (pv_decimate_method)i;
            return 0;
        }
    }
    return PIVOT_EINVAL;
}

const char *pv_decimate_method_name(pv_decimate_method method)
{
    if ((size_t)method < sizeof(method_names) / sizeof(method_names[0]))
        return method_names[method];
    return "unknown";
}
