/*
 * The read-only JSON accessors of the host table (pivot_host.json_*)
 * implemented over yajl's tree, for a program that hands plugins JSON:
 * pivotd itself and the test host (pivot/test_host.h). A pivot_json is a
 * yajl_val viewed through the SDK's opaque type.
 */
#ifndef PIVOT_HOST_JSON_H
#define PIVOT_HOST_JSON_H

#include <pivot/host.h>
#include <yajl/yajl_tree.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Views a node of a yajl tree as the SDK's opaque JSON value. */
static inline const pivot_json *pivot_host_json_from_yajl(yajl_val v)
{
    return (const pivot_json *)v;
}

/** Fills the json_* members of host with accessors of yajl trees. */
void pivot_host_json_fill(pivot_host *host);

#ifdef __cplusplus
}
#endif

#endif
