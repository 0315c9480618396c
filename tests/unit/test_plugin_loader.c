/* The plugin loader refuses what is not a compatible Pivot plugin and rolls back failed inits. */
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

int main(void)
{
    static pv_registry reg;
    pv_config cfg;
    char err[1024];
    const pivot_host *host;

    pv_config_defaults(&cfg);
    host = pv_host_init(&cfg);
    reg.loading = -1;

    CHECK_INT_EQ(load(&reg, host, "no_magic", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "not a Pivot plugin") != NULL);
    CHECK(strstr(err, "pivot_plugin_magic") != NULL);
    CHECK_INT_EQ(reg.nplugins, 0);

    CHECK_INT_EQ(load(&reg, host, "wrong_abi", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "ABI major version: server has 1, library has 2") != NULL);
    CHECK_INT_EQ(reg.nplugins, 0);

    /* A newer minor may use host members this server lacks. */
    CHECK_INT_EQ(load(&reg, host, "newer_minor", err, sizeof(err)), PIVOT_EINVAL);
    {
        char want[160];
        snprintf(want, sizeof(want),
                 "ABI minor version: server has %d (ABI %d.%d), library has %d (ABI %d.%d)",
                 PIVOT_ABI_MINOR, PIVOT_ABI_MAJOR, PIVOT_ABI_MINOR, PIVOT_ABI_MINOR + 1,
                 PIVOT_ABI_MAJOR, PIVOT_ABI_MINOR + 1);
        CHECK(strstr(err, want) != NULL);
    }
    CHECK_INT_EQ(reg.nplugins, 0);

    CHECK_INT_EQ(load(&reg, host, "null_magic", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "pivot_plugin_magic() returned NULL") != NULL);

    CHECK_INT_EQ(load(&reg, host, "short_magic", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "magic block size: server needs at least 32, library has 8") != NULL);

    CHECK_INT_EQ(load(&reg, host, "not_elf", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "cannot load") != NULL);
    CHECK_INT_EQ(reg.nplugins, 0);

    /* A provider struct smaller than ABI 1.0's is refused, and init says why. */
    CHECK_INT_EQ(load(&reg, host, "small_provider", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "register_exporter: struct size 8 is smaller than ABI 1.0's 72") != NULL);
    CHECK(pv_registry_exporter(&reg, "tiny") == NULL);
    CHECK_INT_EQ(reg.nplugins, 0);

    CHECK_INT_EQ(load(&reg, host, "failing_init", err, sizeof(err)), PIVOT_EIO);
    CHECK(strstr(err, "failed to initialise") != NULL);
    CHECK_INT_EQ(reg.nplugins, 0);
    /* What it registered before failing is gone. */
    CHECK(pv_registry_timespec(&reg, "failing_type") == NULL);
    CHECK_INT_EQ(reg.ntimespecs, 0);

    CHECK_INT_EQ(load(&reg, host, "missing_file", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "cannot load") != NULL);

    CHECK_INT_EQ(load(&reg, host, "good", err, sizeof(err)), 0);
    CHECK_INT_EQ(reg.nplugins, 1);
    CHECK_STR_EQ(reg.plugins[0].magic->name, "good");
    CHECK_STR_EQ(reg.plugins[0].magic->version, "2.5.1");
    CHECK(pv_registry_timespec(&reg, "last_n_seconds") != NULL);

    /* The same plugin twice is refused, naming where the first came from. */
    CHECK_INT_EQ(load(&reg, host, "good", err, sizeof(err)), PIVOT_EEXIST);
    CHECK(strstr(err, "already loaded") != NULL);
    CHECK_INT_EQ(reg.nplugins, 1);

    /* Another plugin providing the same time_range type: the message names the owner. */
    CHECK_INT_EQ(load(&reg, host, "clash", err, sizeof(err)), PIVOT_EEXIST);
    CHECK(strstr(err, "register_timespec: \"last_n_seconds\" is already registered by plugin "
                      "\"good\"") != NULL);
    CHECK_INT_EQ(reg.nplugins, 1);

    pv_plugin_unload_all(&reg);

    /* A server of a newer minor runs a plugin built against an older one. */
    pivot_host newer = *host;
    newer.abi_minor = PIVOT_ABI_MINOR + 1;
    CHECK_INT_EQ(load(&reg, &newer, "good", err, sizeof(err)), 0);
    CHECK_INT_EQ(reg.plugins[0].magic->abi_minor, PIVOT_ABI_MINOR);
    /* ...but not one of another major. */
    pivot_host next_major = *host;
    next_major.abi_version = PIVOT_ABI_MAJOR + 1;
    next_major.abi_minor = 0;
    pv_plugin_unload_all(&reg);
    CHECK_INT_EQ(load(&reg, &next_major, "good", err, sizeof(err)), PIVOT_EINVAL);
    CHECK(strstr(err, "ABI major version: server has 2, library has 1") != NULL);
    CHECK_INT_EQ(load(&reg, host, "good", err, sizeof(err)), 0);

    pv_plugin_unload_all(&reg);
    CHECK_INT_EQ(reg.nplugins, 0);
    CHECK(pv_registry_timespec(&reg, "last_n_seconds") == NULL);
    pv_config_free(&cfg);
    return check_report();
}
