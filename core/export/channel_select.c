#include "channel_select.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

int pv_channel_name_valid(const char *name)
{
    size_t len = name != NULL ? strlen(name) : 0;
    if (len == 0 || len > PV_CHANNEL_NAME_MAX)
        return 0;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        int alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
            return 0;
    }
    return strstr(name, "..") == NULL;
}

int pv_channel_list_has(const pv_channel_list *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->names[i], name) == 0)
            return 1;
    }
    return 0;
}

int pv_channel_list_add(pv_channel_list *list, const char *name)
{
    if (pv_channel_list_has(list, name))
        return 0;
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        char **grown = realloc(list->names, cap * sizeof(*grown));
        if (grown == NULL)
            return -1;
        list->names = grown;
        list->cap = cap;
    }
    list->names[list->count] = strdup(name);
    if (list->names[list->count] == NULL)
        return -1;
    list->count++;
    return 0;
}

void pv_channel_list_remove(pv_channel_list *list, const char *name)
{
    for (size_t i = 0; i < list->count; i++) {
        if (strcmp(list->names[i], name) == 0) {
            free(list->names[i]);
            memmove(&list->names[i], &list->names[i + 1],
                    (list->count - i - 1) * sizeof(*list->names));
            list->count--;
            return;
        }
    }
}

void pv_channel_list_free(pv_channel_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->names[i]);
    free(list->names);
    list->names = NULL;
    list->count = list->cap = 0;
}

int pv_channel_glob_match(const char *pattern, const char *name)
{
    /* FNM_PERIOD keeps "*" from matching hidden names, as a shell would. */
    return fnmatch(pattern, name, FNM_PERIOD) == 0;
}
