#include "result_detail.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/*
 * Copies a source warning without the server's paths: every path under the
 * data directory is cut to its file name, which is all a user can act on.
 */
static void strip_paths(const char *data_dir, const char *in, char *out, size_t len)
{
    size_t dlen = strlen(data_dir), o = 0;

    while (*in != '\0' && o + 1 < len) {
        if (dlen > 0 && strncmp(in, data_dir, dlen) == 0 && in[dlen] == '/') {
            const char *end = in + dlen + strcspn(in + dlen, ": \t\"'");
            const char *base = in + dlen;
            for (const char *c = base; c < end; c++)
                if (*c == '/')
                    base = c + 1;
            size_t n = (size_t)(end - base);
            if (n > len - 1 - o)
                n = len - 1 - o;
            memcpy(out + o, base, n);
            o += n;
            in = end;
            continue;
        }
        out[o++] = *in++;
    }
    out[o] = '\0';
}

char *pv_result_detail_build(const char *data_dir, const pv_channel_detail *channels,
                             size_t nchannels, const pv_pipeline_result *res)
{
    size_t n =
        res->nwarnings < PV_PIPELINE_MAX_WARNINGS ? res->nwarnings : PV_PIPELINE_MAX_WARNINGS;
    char(*clean)[PIVOT_ERRMSG_SIZE] = calloc(n > 0 ? n : 1, sizeof(*clean));
    const char **warnings = calloc(n > 0 ? n : 1, sizeof(*warnings));
    char real[PATH_MAX];
    const char *dir = realpath(data_dir, real) != NULL ? real : data_dir;
    char *text = NULL;

    if (clean == NULL || warnings == NULL || channels == NULL)
        goto out;
    for (size_t i = 0; i < n; i++) {
        strip_paths(dir, res->warnings[i], clean[i], sizeof(clean[i]));
        warnings[i] = clean[i];
    }
    text = pv_json_result_detail(channels, nchannels, warnings, n);
out:
    free(warnings);
    free(clean);
    return text;
}
