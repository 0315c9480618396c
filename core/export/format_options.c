#include "format_options.h"

#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T_FIELD "invalid-field", "A field of the request is invalid"

/* A member's value as the exporter is given it; NULL for a value that is
 * not a scalar. Numbers keep the text they were written with. */
static const char *value_text(yajl_val v)
{
    if (YAJL_IS_STRING(v))
        return v->u.string;
    if (YAJL_IS_NUMBER(v))
        return YAJL_GET_NUMBER(v);
    if (YAJL_IS_TRUE(v))
        return "true";
    if (YAJL_IS_FALSE(v))
        return "false";
    return NULL;
}

int pv_format_options_check(const pivot_exporter *e, const char *format, yajl_val v, pv_problem *pb)
{
    char field[320], name[256], value[256], why[PIVOT_ERRMSG_SIZE];
    int (*check)(const char *, const char *, char *, size_t) = NULL;

    if (v == NULL || YAJL_IS_NULL(v))
        return 0;
    if (!YAJL_IS_OBJECT(v))
        return pv_problem_set(pb, 400, T_FIELD, "options.format_options",
                              "options.format_options: must be an object of the format's "
                              "settings such as {\"delimiter\": \";\"}, or null");
    if (PIVOT_HAS_MEMBER(e, pivot_exporter, check_option))
        check = e->check_option;
    for (size_t i = 0; i < v->u.object.len; i++) {
        const char *text = value_text(v->u.object.values[i]);

        pv_problem_quote(v->u.object.keys[i], name, sizeof(name));
        snprintf(field, sizeof(field), "options.format_options.%s", name);
        if (check == NULL)
            return pv_problem_set(pb, 400, T_FIELD, field,
                                  "%s: the \"%s\" format takes no format options; remove "
                                  "options.format_options",
                                  field, format);
        if (text == NULL)
            return pv_problem_set(pb, 400, T_FIELD, field,
                                  "%s: must be a string, a number or a boolean", field);
        why[0] = '\0';
        if (check(v->u.object.keys[i], text, why, sizeof(why)) != 0) {
            pv_problem_quote(text, value, sizeof(value));
            return pv_problem_set(pb, 400, T_FIELD, field, "%s: \"%s\" is refused: %s", field,
                                  value, why[0] != '\0' ? why : "the format does not accept it");
        }
    }
    return 0;
}

void pv_format_options_gen(yajl_gen g, yajl_val v)
{
    if (v == NULL || !YAJL_IS_OBJECT(v) || v->u.object.len == 0)
        return;
    pv_json_str(g, "format_options");
    yajl_gen_map_open(g);
    for (size_t i = 0; i < v->u.object.len; i++)
        pv_json_key_str(g, v->u.object.keys[i], value_text(v->u.object.values[i]));
    yajl_gen_map_close(g);
}

int pv_format_options_read(yajl_val v, pivot_format_option **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (v == NULL)
        return 0;
    if (!YAJL_IS_OBJECT(v))
        return -1;
    if (v->u.object.len == 0)
        return 0;
    *out = calloc(v->u.object.len, sizeof(**out));
    if (*out == NULL)
        return -1;
    for (size_t i = 0; i < v->u.object.len; i++) {
        if (!YAJL_IS_STRING(v->u.object.values[i])) {
            free(*out);
            *out = NULL;
            return -1;
        }
        (*out)[i].name = v->u.object.keys[i];
        (*out)[i].value = v->u.object.values[i]->u.string;
    }
    *n = v->u.object.len;
    return 0;
}

pv_export_file pv_export_file_type(const pivot_exporter *e, const pivot_export_info *info)
{
    pv_export_file file = {e->extension != NULL ? e->extension : "", e->media_type};
    const pivot_file_type *chosen = NULL;

    if (PIVOT_HAS_MEMBER(e, pivot_exporter, file_type) && e->file_type != NULL &&
        e->other_types != NULL)
        chosen = e->file_type(info);
    for (size_t i = 0; chosen != NULL && e->other_types[i] != NULL; i++)
        if (e->other_types[i] == chosen && chosen->extension != NULL) {
            file.extension = chosen->extension;
            file.media_type = chosen->media_type;
        }
    return file;
}
