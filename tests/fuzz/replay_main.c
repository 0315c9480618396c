/*
 * Replays corpus files through a fuzz target without libFuzzer:
 * replay_<target> FILE_OR_DIR... runs every file once and exits 0 unless the
 * target crashed (a sanitizer or a signal ends the process first).
 */
#include "fuzz_target.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long len;
    int rc = -1;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
        goto out;
    buf = malloc((size_t)len + 1);
    if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len)
        goto out;
    LLVMFuzzerTestOneInput(buf, (size_t)len);
    rc = 0;
out:
    if (rc != 0)
        fprintf(stderr, "replay: cannot read %s\n", path);
    free(buf);
    if (f != NULL)
        fclose(f);
    return rc;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of dir, in name order so that a run is repeatable. */
static int replay_dir(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    int rc = 0;

    if (d == NULL)
        return -1;
    while ((de = readdir(d)) != NULL) {
        char **grown;
        if (de->d_name[0] == '.')
            continue;
        grown = realloc(names, (n + 1) * sizeof(*names));
        if (grown == NULL) {
            rc = -1;
            break;
        }
        names = grown;
        if (asprintf(&names[n], "%s/%s", dir, de->d_name) < 0) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), compare_names);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && replay_file(names[i]) != 0)
            rc = -1;
        (*count)++;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int count = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int rc;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such file or directory: %s\n", argv[i]);
            return 1;
        }
        if (S_ISDIR(st.st_mode)) {
            rc = replay_dir(argv[i], &count);
        } else {
            rc = replay_file(argv[i]);
            count++;
        }
        if (rc != 0)
            return 1;
    }
    printf("replayed %d inputs\n", count);
    return count > 0 ? 0 : 1;
}
