/* Enumerates, orders and prunes the files of one channel. */
#include "file_list.h"
#include "channel_dir.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static int has_avro_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 5 && strcmp(name + n - 5, ".avro") == 0;
}

static int compare_files(const void *pa, const void *pb)
{
    const pva_data_file *a = pa, *b = pb;

    if (a->numbered != b->numbered)
        return a->numbered ? -1 : 1;
    if (a->numbered && a->start_s != b->start_s)
        return a->start_s < b->start_s ? -1 : 1;
    return strcmp(a->name, b->name);
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
 * Which numbered files can hold a sample of [start_ns, end_ns)?
 *
 * The relay names a file after the second of its first record, so a file
 * data_S.avro starts at a time t0 with S*1e9 <= t0 < (S+1)*1e9, its records
 * are time-ordered, and every record is older than the first record of the
 * next file. Hence:
 *   - every record of file S is >= S*1e9: when S*1e9 >= end_ns, the file (and
 *     every later one) is past the range;
 *   - every record of file i is < t0_next < (S_next+1)*1e9: when
 *     (S_next+1)*1e9 <= start_ns, the whole file is before the range. Using
 *     S_next*1e9 instead would be wrong: the next file may start up to a
 *     second after its name, and file i may still hold records in between.
 * Both tests are done in whole seconds so they cannot overflow:
 *   S*1e9 >= end_ns        <=>  S >= ceil(end_ns / 1e9)
 *   (S+1)*1e9 <= start_ns  <=>  S + 1 <= floor(start_ns / 1e9)
 * Files with other names carry no time and are never pruned.
 */
int pva_file_may_overlap(const pva_file_list *list, size_t i, const pivot_range *range)
{
    const pva_data_file *f = &list->files[i];

    if (!f->numbered)
        return 1;
    if (f->start_s >= ceil_seconds(range->end_ns))
        return 0;
    if (i + 1 < list->count && list->files[i + 1].numbered &&
        list->files[i + 1].start_s + 1 <= floor_seconds(range->start_ns))
        return 0;
    return 1;
}

/* Keeps only the files that may overlap the range, in order. */
static void prune(pva_file_list *list, const pivot_range *range)
{
    size_t kept = 0;

    /* In place: deciding file i reads file i+1, which kept <= i has not overwritten yet. */
    for (size_t i = 0; i < list->count; i++) {
        if (pva_file_may_overlap(list, i, range)) {
            list->files[kept++] = list->files[i];
        } else {
            free(list->files[i].path);
        }
    }
    list->count = kept;
}

/* Adds dir/name when it is a regular file inside the data directory. */
static int add_file(const pva_instance *inst, pva_file_list *list, size_t *cap, const char *dir,
                    const char *name)
{
    char *path = NULL;
    char *real = NULL;
    struct stat st;
    int rc = 0;

    if (asprintf(&path, "%s/%s", dir, name) < 0)
        return PIVOT_ENOMEM;
    /* A symbolic link may point anywhere: follow it only when it stays inside. */
    real = realpath(path, NULL);
    if (real == NULL || !pva_path_inside(inst, real) || stat(real, &st) != 0 ||
        !S_ISREG(st.st_mode)) {
        pva_log(PIVOT_LOG_DEBUG, "skipping %s: not a regular file inside the data directory", path);
        goto out;
    }
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
    f->numbered = parse_numbered(f->name, &f->start_s);
    if (!f->numbered)
        f->start_s = 0;
    path = NULL;
out:
    free(path);
    free(real);
    return rc;
}

int pva_file_list_read(const pva_instance *inst, const char *dir, const pivot_range *range,
                       pva_file_list *out, char *err, size_t errlen)
{
    DIR *d;
    struct dirent *de;
    size_t cap = 0;
    int rc = 0;

    out->files = NULL;
    out->count = 0;
    d = opendir(dir);
    if (d == NULL) {
        pva_errf(err, errlen, "cannot read channel directory \"%s\": %s", dir, strerror(errno));
        return PIVOT_EIO;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !has_avro_suffix(de->d_name))
            continue;
        rc = add_file(inst, out, &cap, dir, de->d_name);
        if (rc != 0) {
            pva_errf(err, errlen, "out of memory listing \"%s\"", dir);
            goto out;
        }
    }
    if (out->count > 0)
        qsort(out->files, out->count, sizeof(*out->files), compare_files);
    if (range != NULL)
        prune(out, range);
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
    free(list->files);
    list->files = NULL;
    list->count = 0;
}
