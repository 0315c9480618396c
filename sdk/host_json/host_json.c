/* The host's JSON accessors over yajl's tree; see pivot/host_json.h. */
#include <pivot/host_json.h>

#include <math.h>
#include <string.h>

static yajl_val as_yajl(const pivot_json *v)
{
    return (yajl_val)v;
}

static pivot_json_kind json_kind(const pivot_json *v)
{
    yajl_val y = as_yajl(v);
    if (y == NULL)
        return PIVOT_JSON_NONE;
    switch (y->type) {
    case yajl_t_null:
        return PIVOT_JSON_NULL;
    case yajl_t_true:
    case yajl_t_false:
        return PIVOT_JSON_BOOL;
    case yajl_t_number:
        return PIVOT_JSON_NUMBER;
    case yajl_t_string:
        return PIVOT_JSON_STRING;
    case yajl_t_array:
        return PIVOT_JSON_ARRAY;
    case yajl_t_object:
        return PIVOT_JSON_OBJECT;
    default:
        return PIVOT_JSON_NONE;
    }
}

static const pivot_json *json_get(const pivot_json *obj, const char *key)
{
    yajl_val y = as_yajl(obj);
    if (y == NULL || !YAJL_IS_OBJECT(y) || key == NULL)
        return NULL;
    for (size_t i = 0; i < y->u.object.len; i++) {
        if (strcmp(y->u.object.keys[i], key) == 0)
            return pivot_host_json_from_yajl(y->u.object.values[i]);
    }
    return NULL;
}

static const char *json_string(const pivot_json *v)
{
    yajl_val y = as_yajl(v);
    return (y != NULL && YAJL_IS_STRING(y)) ? y->u.string : NULL;
}

static double json_double(const pivot_json *v)
{
    yajl_val y = as_yajl(v);
    if (y == NULL || !YAJL_IS_NUMBER(y))
        return 0.0;
    return YAJL_IS_DOUBLE(y) ? y->u.number.d : (double)y->u.number.i;
}

static int json_int64(const pivot_json *v, int64_t *out)
{
    yajl_val y = as_yajl(v);
    /* yajl sets the INT flag only when the text is an integer that fits in
     * long long, so 1e3, 1.5 and 99999999999999999999 are all refused. */
    if (y == NULL || !YAJL_IS_INTEGER(y))
        return PIVOT_ERANGE;
    *out = (int64_t)y->u.number.i;
    return 0;
}

static size_t json_length(const pivot_json *v)
{
    yajl_val y = as_yajl(v);
    if (y == NULL)
        return 0;
    if (YAJL_IS_ARRAY(y))
        return y->u.array.len;
    if (YAJL_IS_OBJECT(y))
        return y->u.object.len;
    return 0;
}

static const pivot_json *json_at(const pivot_json *v, size_t i)
{
    yajl_val y = as_yajl(v);
    if (y == NULL)
        return NULL;
    if (YAJL_IS_ARRAY(y))
        return i < y->u.array.len ? pivot_host_json_from_yajl(y->u.array.values[i]) : NULL;
    if (YAJL_IS_OBJECT(y))
        return i < y->u.object.len ? pivot_host_json_from_yajl(y->u.object.values[i]) : NULL;
    return NULL;
}

static const char *json_key_at(const pivot_json *v, size_t i)
{
    yajl_val y = as_yajl(v);
    if (y == NULL || !YAJL_IS_OBJECT(y) || i >= y->u.object.len)
        return NULL;
    return y->u.object.keys[i];
}

void pivot_host_json_fill(pivot_host *host)
{
    host->json_kind = json_kind;
    host->json_get = json_get;
    host->json_string = json_string;
    host->json_double = json_double;
    host->json_int64 = json_int64;
    host->json_length = json_length;
    host->json_at = json_at;
    host->json_key_at = json_key_at;
}
