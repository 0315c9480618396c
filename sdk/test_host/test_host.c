/* The test host; see pivot/test_host.h. */
#include <pivot/host_json.h>
#include <pivot/test_host.h>

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* A registered provider of any kind: its kind's tag, name and struct. */
typedef enum provider_kind {
    KIND_SOURCE,
    KIND_EXPORTER,
    KIND_TIMESPEC,
    KIND_AUTH,
    KIND_PRESET
} provider_kind;

typedef struct provider {
    provider_kind kind;
    const char *name;
    const void *p;
} provider;

typedef struct setting {
    char *key, *value;
} setting;

/* What pivotd's registry is to the host table's register_* calls. */
struct pivot_registry {
    provider *providers;
    size_t count;
};

static struct pivot_registry registry;
static setting *settings;
static size_t nsettings;
static yajl_val *trees;
static size_t ntrees;
static char last_log[PIVOT_ERRMSG_SIZE];
static int echo_level = -1; /* none: PIVOT_LOG_ERROR is 0 */
static pivot_host table;

void pivot_test_host_table_size(size_t size)
{
    pivot_test_host();
    table.size = size > 0 && size < sizeof(table) ? size : sizeof(table);
}

void pivot_test_host_reset(void)
{
    for (size_t i = 0; i < nsettings; i++) {
        free(settings[i].key);
        free(settings[i].value);
    }
    free(settings);
    settings = NULL;
    nsettings = 0;
    for (size_t i = 0; i < ntrees; i++)
        yajl_tree_free(trees[i]);
    free(trees);
    trees = NULL;
    ntrees = 0;
    free(registry.providers);
    registry.providers = NULL;
    registry.count = 0;
    last_log[0] = '\0';
}

int pivot_test_host_set(const char *key, const char *value)
{
    setting *grown;
    char *copy = NULL;

    for (size_t i = 0; i < nsettings; i++) {
        if (strcmp(settings[i].key, key) != 0)
            continue;
        if (value != NULL && (copy = strdup(value)) == NULL)
            return PIVOT_ENOMEM;
        free(settings[i].value);
        settings[i].value = copy;
        return 0;
    }
    if (value == NULL)
        return 0;
    grown = realloc(settings, (nsettings + 1) * sizeof(*settings));
    if (grown == NULL)
        return PIVOT_ENOMEM;
    settings = grown;
    settings[nsettings].key = strdup(key);
    settings[nsettings].value = strdup(value);
    if (settings[nsettings].key == NULL || settings[nsettings].value == NULL) {
        free(settings[nsettings].key);
        free(settings[nsettings].value);
        return PIVOT_ENOMEM;
    }
    nsettings++;
    return 0;
}

void pivot_test_host_echo_log(pivot_log_level level)
{
    echo_level = (int)level;
}

const char *pivot_test_host_last_log(void)
{
    return last_log;
}

static void host_log(pivot_log_level level, const char *plugin, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(last_log, sizeof(last_log), fmt, ap);
    va_end(ap);
    if ((int)level <= echo_level)
        fprintf(stderr, "[%s] %s\n", plugin != NULL ? plugin : "?", last_log);
}

/* An unset setting and one set to NULL read alike: absent. */
static const char *host_config_get(const char *key)
{
    for (size_t i = 0; key != NULL && i < nsettings; i++)
        if (strcmp(settings[i].key, key) == 0)
            return settings[i].value;
    return NULL;
}

static const char *host_config_key_at(size_t index)
{
    for (size_t i = 0; i < nsettings; i++)
        if (settings[i].value != NULL && index-- == 0)
            return settings[i].key;
    return NULL;
}

static int host_random_bytes(void *buf, size_t len)
{
    return getrandom(buf, len, 0) == (ssize_t)len ? 0 : PIVOT_EIO;
}

static int add(pivot_registry *reg, provider_kind kind, const char *name, const void *p)
{
    provider *grown;

    if (reg == NULL)
        reg = &registry;
    if (p == NULL || name == NULL)
        return PIVOT_EINVAL;
    grown = realloc(reg->providers, (reg->count + 1) * sizeof(*grown));
    if (grown == NULL)
        return PIVOT_ENOMEM;
    reg->providers = grown;
    reg->providers[reg->count++] = (provider){kind, name, p};
    return 0;
}

static int register_source(pivot_registry *reg, const pivot_source *s)
{
    return add(reg, KIND_SOURCE, s != NULL ? s->name : NULL, s);
}

static int register_exporter(pivot_registry *reg, const pivot_exporter *e)
{
    return add(reg, KIND_EXPORTER, e != NULL ? e->name : NULL, e);
}

static int register_timespec(pivot_registry *reg, const pivot_timespec_parser *t)
{
    return add(reg, KIND_TIMESPEC, t != NULL ? t->type : NULL, t);
}

static int register_auth(pivot_registry *reg, const pivot_auth_backend *a)
{
    return add(reg, KIND_AUTH, a != NULL ? a->name : NULL, a);
}

static int register_preset(pivot_registry *reg, const pivot_preset *p)
{
    return add(reg, KIND_PRESET, p != NULL ? p->name : NULL, p);
}

const pivot_host *pivot_test_host(void)
{
    if (table.size == 0) {
        table.size = sizeof(table);
        table.abi_major = PIVOT_ABI_MAJOR;
        table.log = host_log;
        table.config_get = host_config_get;
        table.register_timespec = register_timespec;
        table.register_source = register_source;
        table.register_exporter = register_exporter;
        table.register_auth = register_auth;
        pivot_host_json_fill(&table);
        table.random_bytes = host_random_bytes;
        table.config_key_at = host_config_key_at;
        table.register_preset = register_preset;
    }
    return &table;
}

int pivot_test_host_load(pivot_init_fn init, char *err, size_t errlen)
{
    if (errlen > 0)
        err[0] = '\0';
    return init(pivot_test_host(), &registry, err, errlen);
}

int pivot_test_host_load_file(const char *path, const pivot_magic **magic, char *err, size_t errlen)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    pivot_magic_fn magic_fn;
    pivot_init_fn init;

    if (magic != NULL)
        *magic = NULL;
    if (lib == NULL) {
        snprintf(err, errlen, "%s", dlerror());
        return PIVOT_EIO;
    }
    magic_fn = (pivot_magic_fn)dlsym(lib, "pivot_plugin_magic");
    init = (pivot_init_fn)dlsym(lib, "pivot_plugin_init");
    if (magic != NULL && magic_fn != NULL)
        *magic = magic_fn();
    if (init == NULL) {
        snprintf(err, errlen, "%s has no pivot_plugin_init", path);
        return PIVOT_ENOTSUP;
    }
    return pivot_test_host_load(init, err, errlen);
}

size_t pivot_test_host_registrations(void)
{
    return registry.count;
}

static const void *find(provider_kind kind, const char *name)
{
    for (size_t i = registry.count; i-- > 0;)
        if (registry.providers[i].kind == kind &&
            (name == NULL || strcmp(registry.providers[i].name, name) == 0))
            return registry.providers[i].p;
    return NULL;
}

const pivot_source *pivot_test_host_source(const char *name)
{
    return find(KIND_SOURCE, name);
}

const pivot_exporter *pivot_test_host_exporter(const char *name)
{
    return find(KIND_EXPORTER, name);
}

const pivot_timespec_parser *pivot_test_host_timespec(const char *type)
{
    return find(KIND_TIMESPEC, type);
}

const pivot_auth_backend *pivot_test_host_auth(const char *name)
{
    return find(KIND_AUTH, name);
}

const pivot_preset *pivot_test_host_preset(const char *name)
{
    return find(KIND_PRESET, name);
}

const pivot_json *pivot_test_host_json(const char *text)
{
    char why[128];
    yajl_val tree, *grown;

    tree = yajl_tree_parse(text, why, sizeof(why));
    if (tree == NULL)
        return NULL;
    grown = realloc(trees, (ntrees + 1) * sizeof(*trees));
    if (grown == NULL) {
        yajl_tree_free(tree);
        return NULL;
    }
    trees = grown;
    trees[ntrees++] = tree;
    return pivot_host_json_from_yajl(tree);
}
