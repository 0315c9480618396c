/*
 * Reading the members of a `time_range` object through the host's JSON
 * accessors, with error messages that name each field by its full path.
 */
#ifndef TS_FIELDS_H
#define TS_FIELDS_H

#include <pivot/host.h>

/** Remembers the host table; called once from pivot_plugin_init. */
void ts_fields_init(const pivot_host *host);

/**
 * Sets *out to the string member `name` of spec (borrowed from the host).
 * A missing or null member is "time_range.<name>: required for type
 * \"<type>\""; another kind is "time_range.<name>: must be a string, e.g.
 * <example>".
 * Returns 0 or PIVOT_EINVAL with the message in err.
 */
int ts_field_string(const pivot_json *spec, const char *name, const char *type, const char *example,
                    const char **out, char *err, size_t errlen);

/** Reads member `name` as an RFC 3339 timestamp into *ns; 0 or PIVOT_EINVAL. */
int ts_field_time(const pivot_json *spec, const char *name, const char *type, int64_t *ns,
                  char *err, size_t errlen);

/** Reads member `name` as an ISO 8601 duration into *ns (> 0); 0 or PIVOT_EINVAL. */
int ts_field_duration(const pivot_json *spec, const char *name, const char *type, int64_t *ns,
                      char *err, size_t errlen);

#endif
