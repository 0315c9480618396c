/* The preset registry of core/plugin/registry.c: what a registration must
 * bring, clashes between plugins, lookups, the names for messages, and the
 * checks on what a preset resolves to. */
#include "check.h"
#include "registry.h"

#include <stddef.h>

#define SEC INT64_C(1000000000)

static pv_registry reg; /* large: static, and zeroed */
static const pivot_magic alpha = {sizeof(pivot_magic), PIVOT_ABI_MAJOR, "alpha", "1.0"};
static const pivot_magic beta = {sizeof(pivot_magic), PIVOT_ABI_MAJOR, "beta", "1.0"};

/* The last hour before now. */
static int last_hour(const pivot_preset *p, int64_t now_ns, pivot_range *out, char *err,
                     size_t errlen)
{
    (void)p;
    (void)err;
    (void)errlen;
    *out = (pivot_range){now_ns - 3600 * SEC, now_ns};
    return 0;
}

/* Refuses with its own message. */
static int never(const pivot_preset *p, int64_t now_ns, pivot_range *out, char *err, size_t errlen)
{
    (void)p;
    (void)now_ns;
    (void)out;
    snprintf(err, errlen, "no shift has ended yet");
    return PIVOT_EINVAL;
}

/* Refuses without a word. */
static int mute(const pivot_preset *p, int64_t now_ns, pivot_range *out, char *err, size_t errlen)
{
    (void)p;
    (void)now_ns;
    (void)out;
    (void)err;
    (void)errlen;
    return PIVOT_EIO;
}

/* Claims success with the range in its data, whatever it is. */
static int from_data(const pivot_preset *p, int64_t now_ns, pivot_range *out, char *err,
                     size_t errlen)
{
    (void)now_ns;
    (void)err;
    (void)errlen;
    *out = *(const pivot_range *)p->data;
    return 0;
}

static int add_as(int plugin, const pivot_preset *p)
{
    reg.loading = plugin;
    reg.refusal[0] = '\0';
    return pv_registry_add_preset(&reg, p);
}

static void registration(void)
{
    static const pivot_preset hour = {sizeof(pivot_preset), "last_hour", "the hour before now",
                                      last_hour, NULL};
    pivot_preset p = hour;

    CHECK_INT_EQ(add_as(0, &hour), 0);
    CHECK_INT_EQ(reg.npresets, 1);
    CHECK(pv_registry_preset(&reg, "last_hour") == &hour);
    CHECK(pv_registry_preset(&reg, "Last_hour") == NULL);
    CHECK(pv_registry_preset(&reg, NULL) == NULL);

    /* Another plugin's preset of the same name is refused, naming the owner. */
    CHECK_INT_EQ(add_as(1, &p), PIVOT_EEXIST);
    CHECK_STR_EQ(reg.refusal, "register_preset: \"last_hour\" is already registered by plugin "
                              "\"alpha\"");

    p.size = offsetof(pivot_preset, data);
    p.name = "short";
    CHECK_INT_EQ(add_as(1, &p), PIVOT_EINVAL);
    char want[256];
    snprintf(want, sizeof(want),
             "register_preset: struct size %zu is smaller than ABI 1's %zu; set its size member "
             "to sizeof(pivot_preset)",
             offsetof(pivot_preset, data), sizeof(pivot_preset));
    CHECK_STR_EQ(reg.refusal, want);

    p = hour;
    p.name = "";
    CHECK_INT_EQ(add_as(1, &p), PIVOT_EINVAL);
    CHECK_STR_EQ(reg.refusal, "register_preset: the provider has no name");
    p.name = "last shift";
    CHECK_INT_EQ(add_as(1, &p), PIVOT_EINVAL);
    CHECK_STR_EQ(reg.refusal, "register_preset: the name \"last shift\" is not usable; use 1 to 64 "
                              "letters, digits, '_', '-' or '.'");
    static char longest[66];
    memset(longest, 'n', 65);
    p.name = longest; /* 65 characters */
    CHECK_INT_EQ(add_as(1, &p), PIVOT_EINVAL);
    longest[64] = '\0';
    /* Registered structs are borrowed for good: this one must outlive the test. */
    static pivot_preset kept;
    kept = p;
    CHECK_INT_EQ(add_as(1, &kept), 0);

    p = hour;
    p.name = "undescribed";
    p.description = NULL;
    CHECK_INT_EQ(add_as(1, &p), PIVOT_EINVAL);
    CHECK_STR_EQ(reg.refusal, "register_preset: \"undescribed\" has no description, which is "
                              "required (see the guide's table of callbacks)");
    p = hour;
    p.name = "unresolved";
    p.resolve = NULL;
    CHECK_INT_EQ(add_as(1, &p), PIVOT_EINVAL);
    CHECK_STR_EQ(reg.refusal, "register_preset: \"unresolved\" has no resolve, which is required "
                              "(see the guide's table of callbacks)");
    CHECK_INT_EQ(pv_registry_add_preset(&reg, NULL), PIVOT_EINVAL);
    CHECK_STR_EQ(reg.refusal, "register_preset: NULL provider");
    CHECK_INT_EQ(reg.npresets, 2);
}

/* A struct from a newer SDK, larger than this host's: read as far as it knows. */
typedef struct newer_preset {
    pivot_preset first;
    int later_member;
} newer_preset;

static void larger_struct(void)
{
    static newer_preset newer = {
        {sizeof(newer_preset), "newer", "from a newer SDK", last_hour, NULL}, 7};
    CHECK_INT_EQ(add_as(1, &newer.first), 0);
    CHECK(pv_registry_preset(&reg, "newer") == &newer.first);
}

/* A time parser that never needs to run. */
static int parse_nothing(const pivot_json *spec, int64_t now_ns, pivot_range *out, char *err,
                         size_t errlen)
{
    (void)spec;
    (void)now_ns;
    (void)out;
    (void)err;
    (void)errlen;
    return PIVOT_EINVAL;
}

/* "preset" is the host's type: no time parser may take it. */
static void reserved_type(void)
{
    static const pivot_timespec_parser taker = {sizeof(pivot_timespec_parser), "preset",
                                                parse_nothing};
    reg.loading = 1;
    CHECK_INT_EQ(pv_registry_add_timespec(&reg, &taker), PIVOT_EINVAL);
    CHECK_STR_EQ(reg.refusal, "register_timespec: the type \"preset\" is resolved by the host "
                              "from the registered presets; register each name with "
                              "register_preset instead");
    CHECK_INT_EQ(reg.ntimespecs, 0);
}

static void names(void)
{
    char buf[512];
    pv_registry_preset_names(&reg, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "\"last_hour\", "
                      "\"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn\", "
                      "\"newer\"");
    /* The time_range types name "preset" when there is a preset. */
    pv_registry_timespec_names(&reg, buf, sizeof(buf));
    CHECK_STR_EQ(buf, "\"preset\"");
}

static void resolution(void)
{
    static const pivot_range empty = {5 * SEC, 5 * SEC}, early = {-1, SEC};
    const pivot_preset hour = {sizeof(pivot_preset), "h", "d", last_hour, NULL};
    const pivot_preset refusing = {sizeof(pivot_preset), "r", "d", never, NULL};
    const pivot_preset silent = {sizeof(pivot_preset), "s", "d", mute, NULL};
    const pivot_preset hollow = {sizeof(pivot_preset), "e", "d", from_data, &empty};
    const pivot_preset ancient = {sizeof(pivot_preset), "a", "d", from_data, &early};
    char err[PIVOT_ERRMSG_SIZE];
    pivot_range r = {-7, -7};

    CHECK_INT_EQ(pv_registry_preset_resolve(&hour, 7200 * SEC, &r, err, sizeof(err)), 0);
    CHECK_INT_EQ(r.start_ns, 3600 * SEC);
    CHECK_INT_EQ(r.end_ns, 7200 * SEC);

    r = (pivot_range){-7, -7};
    CHECK_INT_EQ(pv_registry_preset_resolve(&refusing, SEC, &r, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "no shift has ended yet");
    CHECK_INT_EQ(pv_registry_preset_resolve(&silent, SEC, &r, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "cannot be resolved now (error -5)");
    CHECK_INT_EQ(pv_registry_preset_resolve(&hollow, SEC, &r, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "its plugin resolved it to an empty range or one before "
                      "1970-01-01T00:00:00Z (start_ns 5000000000, end_ns 5000000000)");
    CHECK_INT_EQ(pv_registry_preset_resolve(&ancient, SEC, &r, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "its plugin resolved it to an empty range or one before "
                      "1970-01-01T00:00:00Z (start_ns -1, end_ns 1000000000)");
    /* A refused resolution leaves the caller's range alone. */
    CHECK_INT_EQ(r.start_ns, -7);
    CHECK_INT_EQ(r.end_ns, -7);
}

/* A plugin whose init failed takes its presets with it, and only its own. */
static void drop(void)
{
    pv_registry_drop_plugin(&reg, 1);
    CHECK_INT_EQ(reg.npresets, 1);
    CHECK(pv_registry_preset(&reg, "last_hour") != NULL);
    CHECK(pv_registry_preset(&reg, "newer") == NULL);
}

int main(void)
{
    reg.plugins[0].magic = &alpha;
    reg.plugins[1].magic = &beta;
    reg.nplugins = 2;

    registration();
    larger_struct();
    reserved_type();
    names();
    resolution();
    drop();
    return check_report();
}
