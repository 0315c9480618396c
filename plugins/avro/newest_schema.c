/* The newest schema of a channel, from its configuration or its files. */
#include "newest_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The order in which OCF files are asked for the newest schema: the usable
 * ones, the one that starts last first (the later name among equals), then
 * the others by name, last first. Returns how many there are. */
static size_t ocf_candidates(const pva_file_list *files, const pva_bounds *bounds, size_t *order)
{
    size_t n = 0, nusable;

    for (size_t i = files->count; i-- > 0;)
        if (bounds[i].kind == PVA_FILE_OCF && bounds[i].usable)
            order[n++] = i;
    nusable = n;
    /* Few files are usable OCF files in a relay cache: a plain insertion sort. */
    for (size_t k = 1; k < nusable; k++) {
        size_t v = order[k], j = k;
        for (; j > 0 && bounds[order[j - 1]].first_ns < bounds[v].first_ns; j--)
            order[j] = order[j - 1];
        order[j] = v;
    }
    for (size_t i = files->count; i-- > 0;)
        if (bounds[i].kind == PVA_FILE_OCF && !bounds[i].usable)
            order[n++] = i;
    return n;
}

int pva_newest_schema(const pva_channel *ch, const pva_file_list *files, const pva_bounds *bounds,
                      pva_schema *out, pva_schema_origin *origin, char *problem, size_t len)
{
    char msg[PIVOT_ERRMSG_SIZE];
    size_t *order = NULL, n;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->time_index = -1;
    *origin = PVA_ORIGIN_NONE;
    problem[0] = '\0';
    if (ch->nversions > 0) {
        char *text = strdup(ch->versions[ch->nversions - 1].text);
        if (text == NULL)
            return PIVOT_ENOMEM;
        *origin = ch->origin;
        return pva_schema_parse(text, out, msg, sizeof(msg)) == PIVOT_ENOMEM ? PIVOT_ENOMEM : 0;
    }
    order = calloc(files->count ? files->count : 1, sizeof(*order));
    if (order == NULL)
        return PIVOT_ENOMEM;
    n = ocf_candidates(files, bounds, order);
    /* A damaged header is passed over for the next newest file. */
    for (size_t k = 0; k < n; k++) {
        rc = pva_schema_load(files->files[order[k]].path, out, msg, sizeof(msg));
        if (rc == PIVOT_ENOMEM)
            goto out;
        if (rc == 0 && out->time_index < 0) {
            pva_schema_clear(out);
            snprintf(problem, len, "the schema has no usable time field");
            rc = PIVOT_EINVAL;
            goto out;
        }
        if (rc == 0) {
            *origin = PVA_ORIGIN_FILE_HEADER;
            goto out;
        }
        pva_schema_clear(out);
    }
    rc = 0;
    for (size_t i = 0; i < files->count && problem[0] == '\0'; i++)
        if (bounds[i].kind == PVA_FILE_RELAY && files->files[i].size > 0 && !bounds[i].usable &&
            bounds[i].problem[0] != '\0')
            snprintf(problem, len,
                     "its files are header-less relay files and no schema is configured (%s)",
                     ch->search);
    for (size_t i = 0; i < files->count && problem[0] == '\0'; i++)
        if (bounds[i].problem[0] != '\0')
            snprintf(problem, len, "no file of the channel is readable (%s)", bounds[i].problem);
    /* Otherwise no file yet: no signals, which is not an error. */
out:
    free(order);
    return rc;
}
