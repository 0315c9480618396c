/*
 * Entry points of the matlab plugin: reads its settings and registers the
 * "matlab" exporter.
 *
 *     plugins:
 *       matlab:
 *         version: auto       # auto (the default): MAT 5 while the data is under
 *                             # 2 GiB, else MAT 7.3; or 5, or 7.3
 *         max_cells: 2000000  # string and bytes elements a channel may hold
 *
 * A job may choose its version in options.format_options.version.
 */
#include "mat_export.h"
#include "mat_values.h"

#include <pivot/grammar.h>
#include <stdio.h>
#include <string.h>

PIVOT_PLUGIN_MAGIC("matlab", "0.1.0");

/* Each string or bytes element is a matio variable of its own in memory
 * (about 220 bytes) while its channel is written: this caps that at about
 * 450 MB. */
#define DEFAULT_MAX_CELLS 2000000
#define MAX_CELLS_LIMIT 100000000

const pivot_host *mx_host;
mx_settings mx_config = {MX_VERSION_AUTO, DEFAULT_MAX_CELLS};

static int check_option(const char *name, const char *value, char *err, size_t errlen);

static const pivot_exporter mx_exporter = {
    .size = sizeof(pivot_exporter),
    .name = "matlab",
    .extension = ".mat",
    .media_type = "application/x-matlab-data",
    .open = mx_open,
    .begin_channel = mx_begin_channel,
    .append = mx_append,
    .end_channel = mx_end_channel,
    .close = mx_close,
    .estimate = mx_estimate,
    .check_option = check_option,
};

int mx_parse_version(const char *text, mx_version *out, char *why, size_t whylen)
{
    if (strcmp(text, "auto") == 0)
        *out = MX_VERSION_AUTO;
    else if (strcmp(text, "5") == 0 || strcmp(text, "7") == 0)
        *out = MX_VERSION_5;
    else if (strcmp(text, "7.3") == 0)
        *out = MX_VERSION_73;
    else {
        snprintf(why, whylen, "the version is \"auto\", \"5\" (also \"7\") or \"7.3\"");
        return PIVOT_EINVAL;
    }
    return 0;
}

/* A job's options.format_options: version only. */
static int check_option(const char *name, const char *value, char *err, size_t errlen)
{
    mx_version v;

    if (strcmp(name, "version") == 0)
        return mx_parse_version(value, &v, err, errlen);
    snprintf(err, errlen, "the matlab format's only option is version");
    return PIVOT_EINVAL;
}

mx_version mx_job_version(const pivot_export_info *info)
{
    const char *text = pivot_format_option_get(info, "version");
    mx_version v = mx_config.version;
    char why[120];

    if (text != NULL && mx_parse_version(text, &v, why, sizeof(why)) != 0)
        v = mx_config.version;
    return v;
}

static int read_settings(const pivot_host *host, char *err, size_t errlen)
{
    const char *version = host->config_get("plugins.matlab.version");
    const char *cells = host->config_get("plugins.matlab.max_cells");
    char why[160];
    int64_t n;

    if (version != NULL && mx_parse_version(version, &mx_config.version, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "plugins.matlab.version: \"%s\": %s", version, why);
        return PIVOT_EINVAL;
    }
    if (cells != NULL) {
        if (pivot_int_parse(cells, strlen(cells), 1, MAX_CELLS_LIMIT, &n, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "plugins.matlab.max_cells: \"%s\": %s; give 1..%d", cells, why,
                     MAX_CELLS_LIMIT);
            return PIVOT_EINVAL;
        }
        mx_config.max_cells = (uint64_t)n;
    }
    return 0;
}

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    int rc;

    mx_host = host;
    mx_log_init();
    rc = read_settings(host, err, errlen);
    if (rc == 0)
        rc = host->register_exporter(reg, &mx_exporter);
    return rc;
}
