/* The OpenAPI description of the HTTP API (docs/openapi.yaml), compiled in. */
#ifndef PV_OPENAPI_SPEC_H
#define PV_OPENAPI_SPEC_H

#include <stddef.h>

/** The YAML text, NUL-terminated; generated at build time by core/cmake/embed_text.cmake. */
extern const char pv_openapi_yaml[];
/** Its length in bytes, without the NUL. */
extern const size_t pv_openapi_yaml_len;

#endif
