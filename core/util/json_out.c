#include "json_out.h"

#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_JSON_DEPTH 64

yajl_gen pv_json_gen_new(void)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    if (g != NULL)
        yajl_gen_config(g, yajl_gen_validate_utf8, 1);
    return g;
}

void pv_json_str(yajl_gen g, const char *s)
{
    if (s == NULL)
        yajl_gen_null(g);
    else
        yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void pv_json_key_str(yajl_gen g, const char *key, const char *value)
{
    pv_json_str(g, key);
    pv_json_str(g, value);
}

void pv_json_key_int(yajl_gen g, const char *key, int64_t value)
{
    pv_json_str(g, key);
    yajl_gen_integer(g, (long long)value);
}

void pv_json_key_null(yajl_gen g, const char *key)
{
    pv_json_str(g, key);
    yajl_gen_null(g);
}

void pv_json_key_time_ms(yajl_gen g, const char *key, int64_t ms)
{
    pv_json_key_time_ns(g, key, ms > 0 ? ms * 1000000 : -1);
}

void pv_json_key_time_ns(yajl_gen g, const char *key, int64_t ns)
{
    char text[PV_TIME_TEXT_SIZE];
    pv_json_str(g, key);
    if (ns < 0) {
        yajl_gen_null(g);
        return;
    }
    pv_time_format_ns(ns, text);
    pv_json_str(g, text);
}

char *pv_json_text(yajl_gen g)
{
    const unsigned char *buf;
    size_t len;

    if (yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
        return NULL;
    return strndup((const char *)buf, len);
}

void pv_json_key_fixed(yajl_gen g, const char *key, double value, int digits)
{
    char text[64];
    int n = snprintf(text, sizeof(text), "%.*f", digits, value);
    if (n > 0 && strchr(text, '.') != NULL) {
        while (n > 0 && text[n - 1] == '0')
            text[--n] = '\0';
        if (n > 0 && text[n - 1] == '.')
            text[--n] = '\0';
    }
    pv_json_str(g, key);
    yajl_gen_number(g, text, strlen(text));
}

void pv_json_tree(yajl_gen g, yajl_val v)
{
    if (v == NULL) {
        yajl_gen_null(g);
        return;
    }
    switch (v->type) {
    case yajl_t_string:
        pv_json_str(g, v->u.string);
        break;
    case yajl_t_number:
        yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
        break;
    case yajl_t_object:
        yajl_gen_map_open(g);
        for (size_t i = 0; i < v->u.object.len; i++) {
            pv_json_str(g, v->u.object.keys[i]);
            pv_json_tree(g, v->u.object.values[i]);
        }
        yajl_gen_map_close(g);
        break;
    case yajl_t_array:
        yajl_gen_array_open(g);
        for (size_t i = 0; i < v->u.array.len; i++)
            pv_json_tree(g, v->u.array.values[i]);
        yajl_gen_array_close(g);
        break;
    case yajl_t_true:
        yajl_gen_bool(g, 1);
        break;
    case yajl_t_false:
        yajl_gen_bool(g, 0);
        break;
    default:
        yajl_gen_null(g);
        break;
    }
}

/* yajl_tree_parse recurses once per nesting level; a 10,000-deep document
 * would exhaust an HTTP thread's stack, so depth is checked first with a
 * scan that skips over strings. */
static int nesting_ok(const char *text, size_t len)
{
    int depth = 0, in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > MAX_JSON_DEPTH)
                return 0;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 1;
}

/* yajl decodes "\u0000" into a NUL inside a C string, which would silently
 * cut every later check short ("ch000\u0000x" would name channel ch000), so
 * such strings are refused before parsing. */
static int has_nul_escape(const char *text, size_t len)
{
    int in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (!in_string) {
            in_string = c == '"';
        } else if (c == '"') {
            in_string = 0;
        } else if (c == '\\' && i + 1 < len) {
            if (text[i + 1] == 'u' && i + 5 < len && memcmp(text + i + 2, "0000", 4) == 0)
                return 1;
            i++;
        }
    }
    return 0;
}

yajl_val pv_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
    char *copy = NULL;
    yajl_val tree = NULL;

    if (!nesting_ok(text, len)) {
        snprintf(err, errlen, "JSON nested deeper than %d levels", MAX_JSON_DEPTH);
        return NULL;
    }
    /* yajl_tree_parse needs a NUL-terminated string. */
    copy = malloc(len + 1);
    if (copy == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    if (memchr(text, '\0', len) != NULL) {
        snprintf(err, errlen, "the body contains a NUL byte");
        goto out;
    }
    if (has_nul_escape(text, len)) {
        snprintf(err, errlen, "a string contains the NUL character \\u0000");
        goto out;
    }
    tree = yajl_tree_parse(copy, err, errlen);
    if (tree == NULL && err[0] == '\0')
        snprintf(err, errlen, "invalid JSON");
out:
    free(copy);
    return tree;
}

yajl_val pv_json_member(yajl_val obj, const char *key)
{
    for (size_t i = 0; obj != NULL && YAJL_IS_OBJECT(obj) && i < obj->u.object.len; i++) {
        if (strcmp(obj->u.object.keys[i], key) == 0)
            return obj->u.object.values[i];
    }
    return NULL;
}
