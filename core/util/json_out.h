/* Small helpers for writing JSON with yajl_gen. */
#ifndef PV_JSON_OUT_H
#define PV_JSON_OUT_H

#include <stdint.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/** Allocates a generator that validates UTF-8 and escapes '/'; NULL on failure. */
yajl_gen pv_json_gen_new(void);

void pv_json_str(yajl_gen g, const char *s);
void pv_json_key_str(yajl_gen g, const char *key, const char *value); /* NULL value: null */
void pv_json_key_int(yajl_gen g, const char *key, int64_t value);
void pv_json_key_null(yajl_gen g, const char *key);
/** An RFC 3339 time; 0 or less writes null (job times: 0 is "not yet"). */
void pv_json_key_time_ms(yajl_gen g, const char *key, int64_t ms);
/**
 * An RFC 3339 time; a negative ns writes null (times before 1970 are never
 * stored), while 0 is 1970-01-01T00:00:00Z, a time data may have.
 */
void pv_json_key_time_ns(yajl_gen g, const char *key, int64_t ns);
/** Writes a number with up to `digits` decimals, trailing zeros trimmed (yajl prints 17). */
void pv_json_key_fixed(yajl_gen g, const char *key, double value, int digits);
/** Re-serialises a parsed tree value (NULL writes null). */
void pv_json_tree(yajl_gen g, yajl_val v);

/** Returns the generator's text as a malloc'd string; NULL when out of memory. */
char *pv_json_text(yajl_gen g);

/**
 * Parses text of len bytes (not NUL-terminated) into a tree. Returns NULL
 * with a message in err on a syntax error. Refuses nesting deeper than 64
 * levels before yajl recurses into it.
 */
yajl_val pv_json_parse(const char *text, size_t len, char *err, size_t errlen);

/** The member `key` of obj, or NULL when obj is not an object or lacks it. Borrowed. */
yajl_val pv_json_member(yajl_val obj, const char *key);

#endif
