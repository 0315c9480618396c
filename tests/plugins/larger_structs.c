/*
 * Built as a later version of ABI 1 would build it: its magic and its
 * time-range parser carry members appended after the first version (the
 * ABI rule lets structs grow at the end). A host of the first version must
 * load it and use what it knows, ignoring the rest.
 */
#include <pivot/plugin.h>

/* pivot_magic with a member a later version appended. */
typedef struct later_magic {
    pivot_magic first;
    const char *appended;
} later_magic;

/* pivot_timespec_parser with a member a later version appended. */
typedef struct later_parser {
    pivot_timespec_parser first;
    int (*appended)(void);
} later_parser;

PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void);

const pivot_magic *pivot_plugin_magic(void)
{
    static const later_magic magic = {
        {sizeof(later_magic), PIVOT_ABI_MAJOR, "larger_structs", "1.1"}, "later"};
    return &magic.first;
}

static int resolve(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                   size_t errlen)
{
    (void)spec;
    (void)err;
    (void)errlen;
    out->start_ns = now_ns - 7;
    out->end_ns = now_ns;
    return 0;
}

static int appended(void)
{
    return 0;
}

static const later_parser parser = {{sizeof(later_parser), "last_seven_ns", resolve}, appended};

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    return host->register_timespec(reg, &parser.first);
}
