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

char *pv_result_detail_json(const pv_json_channel_detail *channels, size_t nchannels,
                            const char *const *warnings, size_t nwarnings)
{
    yajl_gen g = pv_json_gen_new();
    char *text;

    if (g == NULL)
        return NULL;
    yajl_gen_map_open(g);
    pv_json_str(g, "channels");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < nchannels; i++) {
        int any = channels[i].samples > 0;
        yajl_gen_map_open(g);
        pv_json_key_str(g, "name", channels[i].name);
        pv_json_key_int(g, "samples", (int64_t)channels[i].samples);
        pv_json_key_time_ns(g, "first", any ? channels[i].first_ns : -1);
        pv_json_key_time_ns(g, "last", any ? channels[i].last_ns : -1);
        /* Only where something lacks: a full channel reads as it always did. */
        if (pv_coverage_is_short(&channels[i].coverage)) {
            pv_json_str(g, "missing_data");
            pv_coverage_gen(g, channels[i].name, &channels[i].coverage);
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    pv_json_str(g, "channels_missing");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < nchannels; i++)
        if (channels[i].samples == 0)
            pv_json_str(g, channels[i].name);
    yajl_gen_array_close(g);
    /* The submission's warnings again, as the data stood when the job ended. */
    pv_json_str(g, "missing_data");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < nchannels; i++)
        if (pv_coverage_is_short(&channels[i].coverage))
            pv_coverage_gen(g, channels[i].name, &channels[i].coverage);
    yajl_gen_array_close(g);
    pv_json_str(g, "warnings");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < nwarnings; i++)
        pv_json_str(g, warnings[i]);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    text = pv_json_text(g);
    yajl_gen_free(g);
    return text;
}

char *pv_result_detail_build(const char *data_dir, const pv_json_channel_detail *channels,
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
    text = pv_result_detail_json(channels, nchannels, warnings, n);
out:
    free(warnings);
    free(clean);
    return text;
}
