/* Enumerates the files of one channel folder. */
#include "file_list.h"
#include "channel_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NS_PER_S 1000000000LL

/* Parses data_<digits>.avro; returns 1 and the seconds, or 0 for any other name. */
static int parse_numbered(const char *name, int64_t *start_s)
{
    const char *p = name + 5;
    int64_t v = 0;
    size_t ndigits = 0;

    if (strncmp(name, "data_", 5) != 0)
        return 0;
    for (; *p >= '0' && *p <= '9'; p++, ndigits++) {
        if (v > (INT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (*p - '0');
    }
    if (ndigits == 0 || strcmp(p, ".avro") != 0)
        return 0;
    *start_s = v;
    return 1;
}

/* floor(x / NS_PER_S) and ceil(x / NS_PER_S), for negative x as well. */
static int64_t floor_seconds(int64_t x)
{
    int64_t q = x / NS_PER_S;
    return (x % NS_PER_S != 0 && x < 0) ? q - 1 : q;
}

static int64_t ceil_seconds(int64_t x)
{
    int64_t q = x / NS_PER_S;
    return (x % NS_PER_S != 0 && x > 0) ? q + 1 : q;
}

/*
 * The relay names a file data_S.avro after the second it opened it: with
 * synchronised clocks its records are >= S and older than the next file's
 * S' + 1. Tested in whole seconds, so that nothing overflows:
 *   S*1e9 >= end_ns        <=>  S >= ceil(end_ns / 1e9)
 *   (S'+1)*1e9 <= start_ns <=>  S' + 1 <= floor(start_ns / 1e9)
 */
int pva_file_name_may_overlap(const pva_file_list *list, size_t i, const pivot_range *range)
{
    int64_t s, next;

    if (!parse_numbered(list->files[i].name, &s))
        return 1;
    if (s >= ceil_seconds(range->end_ns))
        return 0;
    for (size_t j = i + 1; j < list->count; j++)
        if (parse_numbered(list->files[j].name, &next) && next > s)
            return next + 1 > floor_seconds(range->start_ns);
    return 1;
}

static int has_avro_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".avro") == 0;
}

static int compare_files(const void *pa, const void *pb)
{
    return strcmp(((const pva_data_file *)pa)->name, ((const pva_data_file *)pb)->name);
}

static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode))
        return "a device";
    return "not a regular file";
}

static int add_problem(pva_file_list *list, const char *name, const char *what)
{
    char **grown = realloc(list->problems, (list->nproblems + 1) * sizeof(*grown));

    if (grown == NULL)
        return PIVOT_ENOMEM;
    list->problems = grown;
    if (asprintf(&list->problems[list->nproblems], "%s is %s and was not read", name, what) < 0)
        return PIVOT_ENOMEM;
    list->nproblems++;
    return 0;
}

/* Whether the entry `name` of the open folder is a regular file itself, not a
 * link: *st is then its status. */
static int plain_file(DIR *d, const struct dirent *de, struct stat *st)
{
    return de->d_type == DT_REG && fstatat(dirfd(d), de->d_name, st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISREG(st->st_mode);
}

/* Adds dir/name when it is a regular file inside dir; else notes why not. */
static int add_file(pva_file_list *list, size_t *cap, const char *dir, DIR *d,
                    const struct dirent *de)
{
    const char *name = de->d_name;
    char *path = NULL;
    char *real = NULL;
    struct stat st;
    int rc = 0;

    if (asprintf(&path, "%s/%s", dir, name) < 0)
        return PIVOT_ENOMEM;
    /* The common case, and the one a listing of thousands of files needs
     * fast: a regular file in the (real) folder is inside it, and one
     * fstatat() tells its identity, where realpath() would readlink() every
     * component of its path. */
    if (plain_file(d, de, &st))
        goto add;
    /* A symbolic link may point anywhere: follow it only when it stays inside.
     * stat() never opens, so a FIFO cannot block here. */
    real = realpath(path, NULL);
    if (real == NULL || !pva_path_below(dir, strlen(dir), real)) {
        rc = add_problem(list, name, real == NULL ? "unreadable" : "a link out of its folder");
        goto out;
    }
    if (stat(real, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = add_problem(list, name, kind_of(st.st_mode));
        goto out;
    }
add:
    if (list->count == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        pva_data_file *grown = realloc(list->files, ncap * sizeof(*grown));
        if (grown == NULL) {
            rc = PIVOT_ENOMEM;
            goto out;
        }
        list->files = grown;
        *cap = ncap;
    }
    pva_data_file *f = &list->files[list->count++];
    f->path = path;
    f->name = path + strlen(dir) + 1;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    f->size = st.st_size;
    f->mtime = st.st_mtim;
    path = NULL;
out:
    free(path);
    free(real);
    return rc;
}

int pva_file_list_read(const char *dir, pva_file_list *out, char *err, size_t errlen)
{
    DIR *d;
    struct dirent *de;
    size_t cap = 0;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    if (dir == NULL)
        return 0;
    d = opendir(dir);
    if (d == NULL) {
        pva_errf(err, errlen, "the channel's folder cannot be read: %s", strerror(errno));
        return PIVOT_EIO;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !has_avro_suffix(de->d_name))
            continue;
        rc = add_file(out, &cap, dir, d, de);
        if (rc != 0) {
            pva_errf(err, errlen, "out of memory listing a channel's files");
            goto out;
        }
    }
    if (out->count > 0)
        qsort(out->files, out->count, sizeof(*out->files), compare_files);
out:
    closedir(d);
    if (rc != 0)
        pva_file_list_free(out);
    return rc;
}

void pva_file_list_free(pva_file_list *list)
{
    for (size_t i = 0; i < list->count; i++)
        free(list->files[i].path);
    for (size_t i = 0; i < list->nproblems; i++)
        free(list->problems[i]);
    free(list->files);
    free(list->problems);
    memset(list, 0, sizeof(*list));
}
