/*
 * The one header a Pivot plugin includes.
 *
 * A plugin is a shared object exporting two functions:
 *
 *     PIVOT_PLUGIN_MAGIC("myplugin", "1.0.0");
 *     PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg);
 *
 * The loader calls pivot_plugin_magic() first and refuses the library, with
 * a message naming what differs, unless its ABI version and struct size
 * match the host's (as PostgreSQL does with PG_MODULE_MAGIC). Then it calls
 * pivot_plugin_init(), which registers providers through the host table. A
 * non-zero return from init unloads the plugin and rolls back everything it
 * registered.
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

/** What pivot_plugin_magic() returns. */
typedef struct pivot_magic {
    size_t size;          /**< sizeof(pivot_magic) as the plugin was built */
    uint32_t abi_version; /**< PIVOT_ABI_VERSION the plugin was built against */
    const char *name;     /**< the plugin's name, e.g. "hdf5" */
    const char *version;  /**< the plugin's own version, e.g. "0.1.0" */
} pivot_magic;

/** Defines pivot_plugin_magic() for a plugin; use once, at file scope. */
#define PIVOT_PLUGIN_MAGIC(name_, version_)                                                        \
    PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void);                               \
    PIVOT_PLUGIN_EXPORT const pivot_magic *pivot_plugin_magic(void)                                \
    {                                                                                              \
        static const pivot_magic magic_ = {sizeof(pivot_magic), PIVOT_ABI_VERSION, (name_),        \
                                           (version_)};                                            \
        return &magic_;                                                                            \
    }                                                                                              \
    extern int pivot_plugin_magic_defined_

/** Signature of pivot_plugin_magic(). */
typedef const pivot_magic *(*pivot_magic_fn)(void);
/** Signature of pivot_plugin_init(): registers providers; returns 0 or a PIVOT_E* code. */
typedef int (*pivot_init_fn)(const pivot_host *host, pivot_registry *reg);

#ifdef __cplusplus
}
#endif

#endif
