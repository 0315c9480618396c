/* A well-formed plugin registering one time-range parser, "last_n_seconds". */
#include <pivot/plugin.h>

PIVOT_PLUGIN_MAGIC("good", "2.5.1");
static const pivot_host *host_api;

static int resolve(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                   size_t errlen)
{
    int64_t seconds;
    if (host_api->json_int64(host_api->json_get(spec, "seconds"), &seconds) != 0 || seconds <= 0) {
        if (errlen > 0)
            err[0] = '\0';
        return PIVOT_EINVAL;
    }
    out->start_ns = now_ns - seconds * 1000000000;
    out->end_ns = now_ns;
    return 0;
}

static const pivot_timespec_parser parser = {sizeof(pivot_timespec_parser), "last_n_seconds",
                                             resolve};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    host_api = host;
    return host->register_timespec(reg, &parser);
}
