/*
 * What the request and Avro fuzz targets share: the built plugins loaded
 * into a registry the way pivotd loads them, and a scratch directory.
 */
#ifndef PV_FUZZ_ENV_H
#define PV_FUZZ_ENV_H

#include "config.h"
#include "registry.h"

typedef struct fuzz_env {
    pv_config config;
    pv_registry *registry;
    const pivot_source *source;
    char dir[64]; /**< a scratch directory, removed at exit */
} fuzz_env;

/* Sets env up once per process (plugins from FUZZ_PLUGIN_DIR); aborts on failure. */
fuzz_env *fuzz_env_get(void);

#endif
