/*
 * The providers registered by loaded plugins, looked up by name. Filled at
 * start (single-threaded), read-only afterwards, so lookups need no lock.
 */
#ifndef PV_REGISTRY_H
#define PV_REGISTRY_H

#include <pivot/plugin.h>

#define PV_MAX_PLUGINS 32
#define PV_MAX_PROVIDERS 64

/** The identity of a plugin file when it was loaded: what workers compare. */
typedef struct pv_plugin_file {
    uint64_t dev;
    uint64_t ino;
    int64_t size;
    int64_t mtime_ns;
} pv_plugin_file;

/** One loaded plugin. */
typedef struct pv_plugin {
    void *handle;             /**< dlopen handle; never closed (plugins are never unloaded) */
    char path[512];           /**< file it came from */
    const pivot_magic *magic; /**< what it declared */
    pv_plugin_file file;      /**< the file's identity, taken before it was loaded */
} pv_plugin;

/** A registered provider and the index of the plugin that registered it. */
typedef struct pv_provider {
    const void *provider;
    int plugin;
} pv_provider;

struct pivot_registry {
    pv_plugin plugins[PV_MAX_PLUGINS];
    int nplugins;
    /** Index of the plugin whose init is running; owner of new registrations. */
    int loading;
    pv_provider timespecs[PV_MAX_PROVIDERS];
    int ntimespecs;
    pv_provider sources[PV_MAX_PROVIDERS];
    int nsources;
    pv_provider exporters[PV_MAX_PROVIDERS];
    int nexporters;
    pv_provider auths[PV_MAX_PROVIDERS];
    int nauths;
    pv_provider presets[PV_MAX_PROVIDERS];
    int npresets;
    /** Why the last registration was refused, for the loader's message. */
    char refusal[256];
};

typedef struct pivot_registry pv_registry;

/*
 * Registration entry points handed to plugins through pivot_host. A provider
 * struct must be at least as large as in the major's first version (it may
 * be larger: members appended later are ignored by a host that predates
 * them), and have every required member. On refusal they say why in
 * reg->refusal, naming the missing member.
 */
int pv_registry_add_timespec(pivot_registry *reg, const pivot_timespec_parser *p);
int pv_registry_add_source(pivot_registry *reg, const pivot_source *s);
int pv_registry_add_exporter(pivot_registry *reg, const pivot_exporter *e);
int pv_registry_add_auth(pivot_registry *reg, const pivot_auth_backend *a);
int pv_registry_add_preset(pivot_registry *reg, const pivot_preset *p);

/** Removes every provider registered by plugin index `plugin` (failed init). */
void pv_registry_drop_plugin(pv_registry *reg, int plugin);

/* Lookups by name; NULL when nothing of that name is registered. */
const pivot_timespec_parser *pv_registry_timespec(const pv_registry *reg, const char *type);
const pivot_source *pv_registry_source(const pv_registry *reg, const char *name);
const pivot_exporter *pv_registry_exporter(const pv_registry *reg, const char *name);
const pivot_auth_backend *pv_registry_auth(const pv_registry *reg, const char *name);
const pivot_preset *pv_registry_preset(const pv_registry *reg, const char *name);

/** Writes the registered time_range types as `"a", "b", ...` into buf, for messages. */
void pv_registry_timespec_names(const pv_registry *reg, char *buf, size_t len);

/** Writes the registered export formats as `"a", "b"` into buf, for messages. */
void pv_registry_exporter_names(const pv_registry *reg, char *buf, size_t len);

/** Writes the registered preset names as `"a", "b"` into buf, for messages. */
void pv_registry_preset_names(const pv_registry *reg, char *buf, size_t len);

/**
 * The type of `time_range` the core resolves itself, by name, from the
 * registered presets: no time parser may take it.
 */
#define PV_PRESET_TYPE "preset"

/**
 * Resolves preset p against now_ns into *out. Returns 0, or PIVOT_EINVAL
 * with the reason in err (the plugin's message, or the host's when the
 * plugin wrote none or returned an empty or negative range), without the
 * preset's name: callers add it.
 */
int pv_registry_preset_resolve(const pivot_preset *p, int64_t now_ns, pivot_range *out, char *err,
                               size_t errlen);

#endif
