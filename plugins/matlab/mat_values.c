#include "mat_values.h"

#include "utf16.h"

#include <pivot/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const pivot_host *mx_host;

static _Thread_local char last_message[256];

static void on_log(int level, char *message)
{
    /* matio's levels: 1 error, 2 critical, 4 warning, 8 message, 16 debug. */
    if (level <= 4)
        snprintf(last_message, sizeof(last_message), "%s", message);
    if (mx_host != NULL)
        mx_host->log(level <= 2 ? PIVOT_LOG_WARNING : PIVOT_LOG_DEBUG, "matlab", "libmatio: %s",
                     message);
}

void mx_log_init(void)
{
    Mat_LogInitFunc("pivotd", on_log);
}

const char *mx_last_message(void)
{
    return last_message;
}

void mx_clear_message(void)
{
    last_message[0] = '\0';
}

matvar_t *mx_char(const char *text)
{
    size_t len = text != NULL ? strlen(text) : 0;
    uint16_t *units = malloc(len > 0 ? len * sizeof(*units) : 1);
    size_t dims[2] = {0, 0};
    matvar_t *v = NULL;

    if (units == NULL)
        goto out;
    dims[1] = mx_utf16_from_utf8(text != NULL ? text : "", len, units);
    dims[0] = dims[1] > 0 ? 1 : 0;
    /* Copied by matio into memory the variable owns. */
    v = Mat_VarCreate(NULL, MAT_C_CHAR, MAT_T_UTF16, 2, dims, dims[1] > 0 ? units : NULL, 0);
out:
    free(units);
    return v;
}

matvar_t *mx_char_cell(const char *const *texts, size_t n)
{
    matvar_t **cells = calloc(n > 0 ? n : 1, sizeof(*cells));
    size_t dims[2] = {n, 1};
    matvar_t *v = NULL;
    size_t i;

    if (cells == NULL)
        return NULL;
    for (i = 0; i < n; i++)
        if ((cells[i] = mx_char(texts[i])) == NULL)
            goto out;
    /* The cell copies the array of pointers and owns the elements from now. */
    v = Mat_VarCreate(NULL, MAT_C_CELL, MAT_T_CELL, 2, dims, n > 0 ? cells : NULL, 0);
out:
    if (v == NULL)
        for (size_t k = 0; k < n; k++)
            Mat_VarFree(cells[k]);
    free(cells);
    return v;
}

matvar_t *mx_int64(int64_t v)
{
    size_t dims[2] = {1, 1};
    return Mat_VarCreate(NULL, MAT_C_INT64, MAT_T_INT64, 2, dims, &v, 0);
}

matvar_t *mx_double(double v)
{
    size_t dims[2] = {1, 1};
    return Mat_VarCreate(NULL, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, &v, 0);
}

matvar_t *mx_struct(const char *name, const char *const *field_names, matvar_t **fields,
                    size_t nfields)
{
    size_t dims[2] = {1, 1};
    const char **names = calloc(nfields + 1, sizeof(*names));
    matvar_t *s = NULL;
    size_t i;

    if (names == NULL)
        goto out;
    for (i = 0; i < nfields; i++)
        names[i] = field_names[i];
    s = Mat_VarCreateStruct2(name, 2, dims, names);
    for (i = 0; s != NULL && i < nfields; i++) {
        if (fields[i] == NULL) {
            Mat_VarFree(s);
            s = NULL;
            break;
        }
        /* A fresh struct has no previous value to hand back. */
        Mat_VarFree(Mat_VarSetStructFieldByIndex(s, i, 0, fields[i]));
        fields[i] = NULL;
    }
out:
    for (i = 0; i < nfields; i++)
        Mat_VarFree(fields[i]);
    free(names);
    return s;
}
