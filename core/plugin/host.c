#include "host.h"

#include "log.h"
#include "plugin_loader.h"
#include <pivot/auth.h>
#include <pivot/host_json.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static const pv_config *host_config;
static pivot_host host_table;
static char job_store_path[4096];
static const pivot_key_store *shared_keys;

static const pivot_key_store *host_key_store(void)
{
    return shared_keys;
}

void pv_host_set_key_store(const pivot_key_store *keys)
{
    shared_keys = keys;
}

static void host_log(pivot_log_level level, const char *plugin, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pv_log(level, plugin, "%s", msg);
}

static const char *host_config_get(const char *key)
{
    /* Derived settings first: plugins see paths the way the server resolved them. */
    if (key != NULL && strcmp(key, "job_store") == 0)
        return job_store_path[0] ? job_store_path : NULL;
    return host_config != NULL ? pv_config_get(host_config, key) : NULL;
}

static const char *host_config_key_at(size_t index)
{
    return host_config != NULL ? pv_config_key_at(host_config, index) : NULL;
}

int pv_host_job_store_path(const pv_config *cfg, char *out, size_t len)
{
    /* A URI names a shared PostgreSQL store; "sqlite" (or nothing) the
     * embedded file in the state folder. */
    int n = cfg->job_store != NULL && strcmp(cfg->job_store, "sqlite") != 0
                ? snprintf(out, len, "%s", cfg->job_store)
                : snprintf(out, len, "%s/jobs.db", cfg->state_dir);
    if (n < 0 || (size_t)n >= len)
        return PIVOT_ERANGE;
    return 0;
}

int pv_host_random_bytes(void *buf, size_t len)
{
    unsigned char *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return PIVOT_EIO;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

const pivot_host *pv_host_init(const pv_config *cfg)
{
    host_config = cfg;
    /* Derived from the settings, so that the server, its workers and the
     * admin commands give plugins the same path. */
    if (pv_host_job_store_path(cfg, job_store_path, sizeof(job_store_path)) != 0)
        job_store_path[0] = '\0';
    memset(&host_table, 0, sizeof(host_table));
    host_table.size = sizeof(host_table);
    host_table.abi_major = PIVOT_ABI_MAJOR;
    host_table.log = host_log;
    host_table.key_store = host_key_store;
    host_table.config_get = host_config_get;
    host_table.register_timespec = pv_registry_add_timespec;
    host_table.register_source = pv_registry_add_source;
    host_table.register_exporter = pv_registry_add_exporter;
    host_table.register_auth = pv_registry_add_auth;
    pivot_host_json_fill(&host_table);
    host_table.random_bytes = pv_host_random_bytes;
    host_table.config_key_at = host_config_key_at;
    host_table.register_preset = pv_registry_add_preset;
    return &host_table;
}

/* The default plugin directory is ../lib/pivot next to the executable
 * (PIVOT_PLUGIN_DIR_FROM_BINDIR, from the install layout of CMakeLists.txt),
 * so build/bin/pivotd finds build/lib/pivot, /usr/local/bin/pivotd finds
 * /usr/local/lib/pivot and the Debian package's /usr/bin/pivotd finds
 * /usr/lib/pivot. */
static int default_plugin_dir(char *out, size_t len)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    int w = snprintf(out, len, "%s/" PIVOT_PLUGIN_DIR_FROM_BINDIR, dirname(exe));
    return (w < 0 || (size_t)w >= len) ? -1 : 0;
}

int pv_host_plugin_dir(const pv_config *cfg, char *dir, size_t len, char *err, size_t errlen)
{
    if (cfg->plugin_dir != NULL) {
        snprintf(dir, len, "%s", cfg->plugin_dir);
    } else if (default_plugin_dir(dir, len) != 0) {
        snprintf(err, errlen, "cannot find the executable's directory; set --plugin-dir");
        return PIVOT_ENOENT;
    }
    return 0;
}

int pv_host_load_plugins(pv_registry *reg, const pv_config *cfg, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    const pivot_host *host = &host_table;

    if (pv_host_plugin_dir(cfg, dir, sizeof(dir), err, errlen) != 0)
        return PIVOT_ENOENT;
    reg->loading = -1;
    return pv_plugin_load_dir(reg, host, dir, err, errlen);
}
