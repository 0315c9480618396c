/*
 * The host's read-only JSON accessors handed to plugins (pivot_host.json_*),
 * implemented over yajl's tree: a pivot_json is a yajl_val.
 */
#ifndef PV_JSON_ACCESS_H
#define PV_JSON_ACCESS_H

#include <pivot/host.h>
#include <yajl/yajl_tree.h>

/** Views a yajl tree node as the opaque SDK type. */
static inline const pivot_json *pv_json_from_yajl(yajl_val v)
{
    return (const pivot_json *)v;
}

/** Fills the json_* members of host. */
void pv_json_access_fill(pivot_host *host);

pivot_json_kind pv_json_kind(const pivot_json *v);
const pivot_json *pv_json_get(const pivot_json *obj, const char *key);
const char *pv_json_string(const pivot_json *v);
double pv_json_double(const pivot_json *v);
int pv_json_int64(const pivot_json *v, int64_t *out);
size_t pv_json_length(const pivot_json *v);
const pivot_json *pv_json_at(const pivot_json *v, size_t i);
const char *pv_json_key_at(const pivot_json *v, size_t i);

#endif
