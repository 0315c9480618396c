/*
 * Entry points of the csv plugin: reads its settings and registers the
 * "csv" exporter.
 *
 *     plugins:
 *       csv:
 *         delimiter: ";"     # one of , ; | and "\t" (tab); default ,
 *         precision: 17      # significant digits of floats, 1..17, or
 *                            # "shortest" (the default): the fewest that read back exactly
 */
#include "csv_export.h"

#include <pivot/plugin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pivot/grammar.h>

PIVOT_PLUGIN_MAGIC("csv", "0.1.0");

csv_style csv_settings = {',', CSV_PRECISION_SHORTEST};

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
};

/* plugins.csv.delimiter and plugins.csv.precision; a wrong one refuses the plugin, saying why. */
static int read_settings(const pivot_host *host, char *err, size_t errlen)
{
    const char *delimiter = host->config_get("plugins.csv.delimiter");
    const char *precision = host->config_get("plugins.csv.precision");
    char why[160];
    int64_t digits;

    if (delimiter != NULL) {
        if (strcmp(delimiter, "\\t") == 0 || strcmp(delimiter, "tab") == 0)
            delimiter = "\t";
        if (strlen(delimiter) != 1 || strchr(",;|\t", delimiter[0]) == NULL) {
            snprintf(err, errlen,
                     "plugins.csv.delimiter: \"%s\" is not one of \",\" \";\" \"|\" \"tab\"",
                     delimiter);
            return PIVOT_EINVAL;
        }
        csv_settings.delimiter = delimiter[0];
    }
    if (precision != NULL && strcmp(precision, "shortest") != 0) {
        if (pivot_int_parse(precision, strlen(precision), 1, 17, &digits, why, sizeof(why)) != 0) {
            snprintf(err, errlen, "plugins.csv.precision: \"%s\": %s; give \"shortest\" or 1..17",
                     precision, why);
            return PIVOT_EINVAL;
        }
        csv_settings.precision = (int)digits;
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
