/*
 * The one header a Pivot plugin includes.
 *
 * A plugin is a shared object exporting two functions:
 *
 *     PIVOT_PLUGIN_MAGIC("myplugin", "1.0.0");
 *     int pivot_plugin_init(const pivot_host *host, pivot_registry *reg,
 *                           char *err, size_t errlen) { ... }
 *
 * The loader calls pivot_plugin_magic() first and refuses the library, with
 * a message naming both versions, unless its ABI major equals the server's
 * (the ABI rule in common.h; as PostgreSQL does with PG_MODULE_MAGIC). Then
 * it calls pivot_plugin_init(), which registers providers through the host
 * table. A non-zero return from init refuses the plugin: the loader forgets
 * everything it registered and reports the message init wrote.
 *
 * Plugins are never unloaded (PostgreSQL's choice too): once its code has
 * run, a library stays mapped until the process exits. The host keeps
 * pointers into it (providers, names, strings it returned), libraries it
 * linked may have registered exit handlers or thread-local destructors, and
 * a server's threads may still be inside a callback when it stops; dlclose
 * would turn each of these into a crash, and a new plugin takes effect by
 * restarting the server. So there is no finalisation call: memory a plugin
 * keeps in its statics is released with the process.
 *
 * Process model: pivotd loads every plugin in each of its processes: the
 * server (`pivotd serve`, which runs time parsers and auth backends on its
 * HTTP threads), each worker process (`pivotd worker`, one per job, which
 * runs the source and the exporter, and loads exactly the files its server
 * loaded at start), and the admin commands (`pivotd keys`, `pivotd
 * plugins`). Plugins must therefore not assume they live in one
 * process, nor start threads or open files in init.
 */
#ifndef PIVOT_PLUGIN_H
#define PIVOT_PLUGIN_H

#include <pivot/auth.h>
#include <pivot/common.h>
#include <pivot/exporter.h>
#include <pivot/host.h>
#include <pivot/source.h>
#include <pivot/timespec.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks a symbol the loader looks up; plugins build with hidden visibility. */
#define PIVOT_PLUGIN_EXPORT __attribute__((visibility("default")))

/* The loader finds the two entry points by their C names, also in C++. */
#ifdef __cplusplus
#define PIVOT_EXTERN_C extern "C"
#else
#define PIVOT_EXTERN_C
#endif

/**
 * What pivot_plugin_magic() returns. The first two members never move, in
 * any major, so that any loader can read the ABI major of any plugin.
 */
typedef struct pivot_magic {
    size_t size;         /**< sizeof(pivot_magic) as the plugin was built */
    uint32_t abi_major;  /**< PIVOT_ABI_MAJOR the plugin was built against */
    const char *name;    /**< the plugin's name, unique among loaded plugins, e.g. "hdf5" */
    const char *version; /**< the plugin's own version, e.g. "0.1.0" */
} pivot_magic;

/** Defines pivot_plugin_magic() for a plugin; use once, at file scope. */
#define PIVOT_PLUGIN_MAGIC(name_, version_)                                                        \
    PIVOT_EXTERN_C PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void);                \
    PIVOT_EXTERN_C PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void)                 \
    {                                                                                              \
        static const pivot_magic magic_ = {sizeof(pivot_magic), PIVOT_ABI_MAJOR, (name_),          \
                                           (version_)};                                            \
        return &magic_;                                                                            \
    }                                                                                              \
    extern int pivot_plugin_magic_defined_

/**
 * The plugin's initialisation, which it defines. Registers its providers
 * through host (kept for later: it is valid for the life of the process)
 * into reg, and returns 0, or a negative PIVOT_E* code with a one-line
 * message in err (errlen bytes, PIVOT_ERRMSG_SIZE) saying why the plugin
 * refuses to run and what to do ("plugins.site_shifts.timezone: unknown
 * zone \"Mars/Base\"; use an IANA name such as Europe/Berlin"); the loader
 * then forgets what the plugin registered, and `pivotd serve` and `pivotd
 * plugins check` print the message. When a register_* call failed, passing
 * its code on is enough: the host fills err with the registration's reason
 * if init leaves it empty. Called once per process, from the main thread,
 * before the process starts any other thread and before any provider is
 * used. Declared here so that a C++ plugin's definition gets C linkage.
 */
PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err,
                                          size_t errlen);

/** Signature of pivot_plugin_magic(). */
typedef const pivot_magic *(*pivot_magic_fn)(void);
/** Signature of pivot_plugin_init(). */
typedef int (*pivot_init_fn)(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
