#include "result_files.h"

#include "state_dir.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

int pv_result_files_each(pv_jobstore *js, const char *results, pv_result_file_fn visit, void *arg)
{
    DIR *d = opendir(results);
    struct dirent *e;

    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL) {
        char path[PATH_MAX + 256], id[PV_JOB_ID_SIZE], result[256];
        size_t idlen = strcspn(e->d_name, ".");
        size_t of = pv_state_preview_of(e->d_name);
        pv_result_file f = {e->d_name, path, of != 0, PV_RESULT_IN_USE};

        if (e->d_name[0] == '.' || idlen != PV_JOB_ID_LEN)
            continue;
        memcpy(id, e->d_name, idlen);
        id[idlen] = '\0';
        snprintf(result, sizeof(result), "%.*s", (int)(of != 0 ? of : strlen(e->d_name)),
                 e->d_name);
        snprintf(path, sizeof(path), "%s/%s", results, e->d_name);
        f.claim = pv_jobstore_result_claim(js, result, id);
        visit(arg, &f);
    }
    closedir(d);
    return 0;
}
