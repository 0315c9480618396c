#include "names.h"

#include <pivot/common.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static int is_name_char(char c)
{
    return is_letter(c) || (c >= '0' && c <= '9') || c == '_';
}

static int is_taken(const mx_names *taken, const char *name)
{
    for (size_t i = 0; i < taken->count; i++)
        if (strcmp(taken->names[i], name) == 0)
            return 1;
    return 0;
}

/* `source` + `suffix` as an identifier of at most `room` characters. */
static void identifier(const char *source, const char *suffix, size_t room, char *out)
{
    size_t n = 0;

    if (!is_letter(source[0]))
        out[n++] = 'x';
    for (const char *p = source; *p != '\0' && n < room; p++)
        out[n++] = is_name_char(*p) ? *p : '_';
    for (const char *p = suffix; p != NULL && *p != '\0' && n < room; p++)
        out[n++] = is_name_char(*p) ? *p : '_';
    out[n] = '\0';
}

int mx_names_reserve(mx_names *taken, const char *name)
{
    char **grown = realloc(taken->names, (taken->count + 1) * sizeof(*grown));
    char *copy = strdup(name);

    if (grown != NULL)
        taken->names = grown;
    if (grown == NULL || copy == NULL) {
        free(copy);
        return PIVOT_ENOMEM;
    }
    taken->names[taken->count++] = copy;
    return 0;
}

const char *mx_names_claim(mx_names *taken, const char *source, const char *suffix)
{
    char base[MX_NAME_MAX + 1], name[MX_NAME_MAX + 1], number[24];

    identifier(source, suffix, MX_NAME_MAX, base);
    snprintf(name, sizeof(name), "%s", base);
    for (unsigned k = 2; is_taken(taken, name); k++) {
        size_t len = (size_t)snprintf(number, sizeof(number), "_%u", k), blen;
        /* The number stays whole; the base gives way when the name is long. */
        identifier(source, suffix, MX_NAME_MAX - len, base);
        blen = strlen(base);
        memcpy(name, base, blen);
        memcpy(name + blen, number, len + 1);
    }
    if (mx_names_reserve(taken, name) != 0)
        return NULL;
    return taken->names[taken->count - 1];
}

void mx_names_free(mx_names *taken)
{
    for (size_t i = 0; i < taken->count; i++)
        free(taken->names[i]);
    free(taken->names);
    taken->names = NULL;
    taken->count = 0;
}
