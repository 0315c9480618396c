/* Channel name validation and confinement of channel folders to the data directory. */
#include "channel_dir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int is_name_char(char c, int first)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
        return 1;
    return !first && (c == '_' || c == '.' || c == '-');
}

int pva_channel_name_valid(const char *name)
{
    if (name == NULL || name[0] == '\0')
        return 0;
    for (size_t i = 0; name[i] != '\0'; i++) {
        if (!is_name_char(name[i], i == 0))
            return 0;
    }
    return strstr(name, "..") == NULL;
}

int pva_path_below(const char *dir, size_t n, const char *path)
{
    /* A folder "/" is a prefix of every other absolute path. */
    if (n == 1 && dir[0] == '/')
        return path[0] == '/' && path[1] != '\0';
    return strncmp(path, dir, n) == 0 && path[n] == '/' && path[n + 1] != '\0';
}

int pva_path_inside(const pva_instance *inst, const char *path)
{
    return pva_path_below(inst->data_dir, inst->data_dir_len, path);
}

int pva_data_dir_channel(const pva_instance *inst, const char *name, char **dir)
{
    char *joined = NULL, *real;
    struct stat st;

    *dir = NULL;
    if (asprintf(&joined, "%s/%s", inst->data_dir, name) < 0)
        return PIVOT_ENOMEM;
    real = realpath(joined, NULL);
    free(joined);
    if (real == NULL)
        return errno == ENOMEM ? PIVOT_ENOMEM : 0;
    if (!pva_path_inside(inst, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(real);
        return 0;
    }
    *dir = real;
    return 0;
}
