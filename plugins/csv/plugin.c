/*
 * Entry points of the csv plugin: reads its settings and registers the
 * "csv" exporter.
 *
 *     plugins:
 *       csv:
 *         delimiter: ";"     # one of , ; | and "\t" (tab); default ,
 *         precision: 17      # significant digits of floats, 1..17, or
 *                            # "shortest" (the default): the fewest that read back exactly
 *
 * A job may choose its own delimiter and precision, and `archive`, in
 * options.format_options (csv_options.c).
 */
#include "csv_export.h"

#include <pivot/plugin.h>
#include <stdio.h>

PIVOT_PLUGIN_MAGIC("csv", "0.1.0");

csv_style csv_settings = {',', CSV_PRECISION_SHORTEST};

static const pivot_file_type *const csv_other_types[] = {&csv_single_type, NULL};

static const pivot_exporter csv_exporter = {
    .size = sizeof(pivot_exporter),
    .name = "csv",
    .extension = ".zip",
    .media_type = "application/zip",
    .open = csv_open,
    .begin_channel = csv_begin_channel,
    .append = csv_append,
    .end_channel = csv_end_channel,
    .close = csv_close,
    .estimate = csv_estimate,
    .check_option = csv_check_option,
    .other_types = csv_other_types,
    .file_type = csv_file_type,
};

/* plugins.csv.delimiter and plugins.csv.precision; a wrong one refuses the plugin, saying why. */
static int read_settings(const pivot_host *host, char *err, size_t errlen)
{
    const char *delimiter = host->config_get("plugins.csv.delimiter");
    const char *precision = host->config_get("plugins.csv.precision");
    char why[200];

    if (delimiter != NULL &&
        csv_parse_delimiter(delimiter, &csv_settings.delimiter, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "plugins.csv.delimiter: \"%s\": %s", delimiter, why);
        return PIVOT_EINVAL;
    }
    if (precision != NULL &&
        csv_parse_precision(precision, &csv_settings.precision, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "plugins.csv.precision: \"%s\": %s", precision, why);
        return PIVOT_EINVAL;
    }
    return 0;
}

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    int rc;

    rc = read_settings(host, err, errlen);
    if (rc == 0)
        rc = host->register_exporter(reg, &csv_exporter);
    return rc;
}
