/*
 * The csv format's choices: the plugin's settings (plugins.csv.*) and a
 * job's options.format_options, read by the same parsers so that both
 * accept the same words, and which kind of file a job makes.
 */
#include "csv_export.h"

#include <pivot/grammar.h>
#include <stdio.h>
#include <string.h>

const pivot_file_type csv_single_type = {
    .size = sizeof(pivot_file_type),
    .extension = ".csv",
    /* RFC 4180's registration; every file starts with its header line. */
    .media_type = "text/csv; header=present",
};

int csv_parse_delimiter(const char *text, char *out, char *why, size_t whylen)
{
    if (strcmp(text, "\\t") == 0 || strcmp(text, "tab") == 0)
        text = "\t";
    if (strlen(text) != 1 || strchr(",;|\t", text[0]) == NULL) {
        snprintf(why, whylen, "the delimiter is one of \",\" \";\" \"|\" \"tab\"");
        return PIVOT_EINVAL;
    }
    *out = text[0];
    return 0;
}

int csv_parse_precision(const char *text, int *out, char *why, size_t whylen)
{
    char reason[160];
    int64_t digits;

    if (strcmp(text, "shortest") == 0) {
        *out = CSV_PRECISION_SHORTEST;
        return 0;
    }
    if (pivot_int_parse(text, strlen(text), 1, 17, &digits, reason, sizeof(reason)) != 0) {
        snprintf(why, whylen, "%s; give \"shortest\" or 1..17 significant digits", reason);
        return PIVOT_EINVAL;
    }
    *out = (int)digits;
    return 0;
}

static int parse_archive(const char *text, int *always_zip, char *why, size_t whylen)
{
    if (strcmp(text, "auto") != 0 && strcmp(text, "zip") != 0) {
        snprintf(why, whylen,
                 "archive is \"auto\" (a bare .csv for one channel without compression, "
                 "else a zip) or \"zip\" (always)");
        return PIVOT_EINVAL;
    }
    *always_zip = strcmp(text, "zip") == 0;
    return 0;
}

int csv_check_option(const char *name, const char *value, char *err, size_t errlen)
{
    char delimiter;
    int precision, always_zip;

    if (strcmp(name, "delimiter") == 0)
        return csv_parse_delimiter(value, &delimiter, err, errlen);
    if (strcmp(name, "precision") == 0)
        return csv_parse_precision(value, &precision, err, errlen);
    if (strcmp(name, "archive") == 0)
        return parse_archive(value, &always_zip, err, errlen);
    snprintf(err, errlen, "the csv format's options are delimiter, precision and archive");
    return PIVOT_EINVAL;
}

int csv_job_style(const pivot_export_info *info, csv_style *style, char *err, size_t errlen)
{
    const char *delimiter = pivot_format_option_get(info, "delimiter");
    const char *precision = pivot_format_option_get(info, "precision");
    int rc = 0;

    *style = csv_settings;
    if (delimiter != NULL)
        rc = csv_parse_delimiter(delimiter, &style->delimiter, err, errlen);
    if (rc == 0 && precision != NULL)
        rc = csv_parse_precision(precision, &style->precision, err, errlen);
    return rc;
}

int csv_is_single(const pivot_export_info *info)
{
    const char *archive = pivot_format_option_get(info, "archive");
    char why[160];
    int always_zip = 0;

    if (archive != NULL && parse_archive(archive, &always_zip, why, sizeof(why)) != 0)
        always_zip = 1;
    return info->nchannels == 1 && info->gzip_level == 0 && !always_zip;
}

const pivot_file_type *csv_file_type(const pivot_export_info *info)
{
    return csv_is_single(info) ? &csv_single_type : NULL;
}
