/*
 * The plugin loader applies the ABI rule: the same major and nothing else,
 * structs smaller than the major's first version refused, larger ones
 * (a later version's) accepted. It refuses what is not a Pivot plugin, names
 * a missing callback, quotes an init's own reason and rolls back failed inits.
 */
#include "check.h"
#include "config.h"
#include "host.h"
#include "plugin_loader.h"

#include <string.h>

static int load(pv_registry *reg, const pivot_host *host, const char *name, char *err,
                size_t errlen)
{
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s.so", TEST_PLUGIN_DIR, name);
    err[0] = '\0';
    return pv_plugin_load(reg, host, path, err, errlen);
}

/* Refusals before init: nothing of the file stays registered. */
static void test_refusals(const pivot_host *host)
{
    static pv_registry reg = {.loading = -1};
    char err[1024], want[256];

    CHECK_INT_EQ(load(&reg, host, "no_magic", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "not a Pivot plugin: it has no pivot_plugin_magic()") != NULL);

    CHECK_INT_EQ(load(&reg, host, "wrong_abi", err, sizeof(err)), PIVOT_EINVAL);
    snprintf(want, sizeof(want),
             "incompatible plugin ABI major version: server has %d, library has %d; rebuild the "
             "plugin against this server's SDK",
             PIVOT_ABI_MAJOR, PIVOT_ABI_MAJOR + 1);
    CHECK(strstr(err, want) != NULL);

    CHECK_INT_EQ(load(&reg, host, "null_magic", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "pivot_plugin_magic() returned NULL") != NULL);

    CHECK_INT_EQ(load(&reg, host, "short_magic", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "magic block size: server needs at least 32, library has 8") != NULL);

    CHECK_INT_EQ(load(&reg, host, "not_elf", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "cannot load") != NULL);

    CHECK_INT_EQ(load(&reg, host, "missing_file", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "cannot load: No such file or directory") != NULL);
    CHECK_INT_EQ(reg.nplugins, 0);
}

/* Refusals by the registry and by init itself: rolled back, with the reason. */
static void test_init_refusals(const pivot_host *host)
{
    static pv_registry reg = {.loading = -1};
    char err[1024];

    /* A provider struct smaller than the major's first version. */
    CHECK_INT_EQ(load(&reg, host, "small_provider", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "plugin \"small_provider\" failed to initialise: register_exporter: struct "
                      "size 8 is smaller than ABI 1's 72; set its size member to "
                      "sizeof(pivot_exporter) (error -22, PIVOT_EINVAL)") != NULL);
    CHECK(pv_registry_exporter(&reg, "tiny") == NULL);

    /* A required callback missing: named. */
    CHECK_INT_EQ(load(&reg, host, "missing_callback", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "register_exporter: \"incomplete\" has no end_channel, which is required") !=
          NULL);
    CHECK(pv_registry_exporter(&reg, "incomplete") == NULL);

    /* init's own reason, quoted; what it registered before failing is gone. */
    CHECK_INT_EQ(load(&reg, host, "failing_init", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err,
                 "plugin \"failing_init\" failed to initialise: plugins.failing_init.path: "
                 "not set; give the file of shifts to read (error -22, PIVOT_EINVAL)") != NULL);
    CHECK(pv_registry_timespec(&reg, "failing_type") == NULL);
    CHECK_INT_EQ(reg.ntimespecs, 0);
    CHECK_INT_EQ(reg.nplugins, 0);
}

static void test_loads(const pivot_host *host)
{
    static pv_registry reg = {.loading = -1};
    char err[1024];
    pivot_range r;

    CHECK_INT_EQ(load(&reg, host, "good", err, sizeof(err)), 0);
    CHECK_INT_EQ(reg.nplugins, 1);
    CHECK_STR_EQ(reg.plugins[0].magic->name, "good");
    CHECK_STR_EQ(reg.plugins[0].magic->version, "2.5.1");
    CHECK(reg.plugins[0].file.size > 0);
    CHECK(pv_registry_timespec(&reg, "last_n_seconds") != NULL);

    /* The same plugin twice is refused, naming where the first came from. */
    CHECK_INT_EQ(load(&reg, host, "good", err, sizeof(err)), PIVOT_EEXIST);
    CHECK(strstr(err, "a plugin named \"good\" is already loaded from") != NULL);
    CHECK_INT_EQ(reg.nplugins, 1);

    /* Another plugin providing the same time_range type: the message names the owner. */
    CHECK_INT_EQ(load(&reg, host, "clash", err, sizeof(err)), PIVOT_EEXIST);
    CHECK(strstr(err, "register_timespec: \"last_n_seconds\" is already registered by plugin "
                      "\"good\"") != NULL);
    CHECK_INT_EQ(reg.nplugins, 1);

    /* Structs larger than this host knows (a later version's): loaded, used as far as known. */
    CHECK_INT_EQ(load(&reg, host, "larger_structs", err, sizeof(err)), 0);
    CHECK_STR_EQ(reg.plugins[1].magic->name, "larger_structs");
    const pivot_timespec_parser *p = pv_registry_timespec(&reg, "last_seven_ns");
    CHECK(p != NULL);
    CHECK(p != NULL && p->size > sizeof(pivot_timespec_parser));
    CHECK_INT_EQ(p != NULL ? p->resolve(NULL, 100, &r, err, sizeof(err)) : -1, 0);
    CHECK_INT_EQ(r.start_ns, 93);
}

/* Only the major is compared: a host of another major refuses, nothing else is tested. */
static void test_major(const pivot_host *host)
{
    static pv_registry reg = {.loading = -1};
    pivot_host next_major = *host;
    char err[1024], want[128];

    next_major.abi_major = PIVOT_ABI_MAJOR + 1;
    CHECK_INT_EQ(load(&reg, &next_major, "good", err, sizeof(err)), PIVOT_EINVAL);
    snprintf(want, sizeof(want), "ABI major version: server has %d, library has %d",
             PIVOT_ABI_MAJOR + 1, PIVOT_ABI_MAJOR);
    CHECK(strstr(err, want) != NULL);
    CHECK_INT_EQ(reg.nplugins, 0);
}

int main(void)
{
    pv_config cfg;
    const pivot_host *host;

    pv_config_defaults(&cfg);
    host = pv_host_init(&cfg);
    CHECK_INT_EQ(host->abi_major, PIVOT_ABI_MAJOR);
    test_refusals(host);
    test_init_refusals(host);
    test_loads(host);
    test_major(host);
    pv_config_free(&cfg);
    return check_report();
}
