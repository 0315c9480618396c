/* Internals of the csv exporter shared by plugin.c and export.c. */
#ifndef PIVOT_CSV_EXPORT_H
#define PIVOT_CSV_EXPORT_H

#include "csv_text.h"

/** The style set from the plugin's settings at init. */
extern csv_style csv_settings;

/** The bare .csv a job of one channel without compression makes (see csv_is_single). */
extern const pivot_file_type csv_single_type;

/** Parse the words plugins.csv.* and options.format_options share; 0 or PIVOT_EINVAL with why. */
int csv_parse_delimiter(const char *text, char *out, char *why, size_t whylen);
int csv_parse_precision(const char *text, int *out, char *why, size_t whylen);

/** pivot_exporter.check_option: delimiter, precision, archive. */
int csv_check_option(const char *name, const char *value, char *err, size_t errlen);
/** The job's style: the settings, then its format options. 0 or PIVOT_EINVAL. */
int csv_job_style(const pivot_export_info *info, csv_style *style, char *err, size_t errlen);
/** Whether the job's result is one bare CSV file rather than a zip. */
int csv_is_single(const pivot_export_info *info);
/** pivot_exporter.file_type. */
const pivot_file_type *csv_file_type(const pivot_export_info *info);
/** pivot_exporter.estimate: see csv_estimate.c. */
int csv_estimate(const pivot_export_info *info, const pivot_estimate_channel *const *channels,
                 size_t nchannels, uint64_t *bytes, char *err, size_t errlen);

int csv_open(const char *path, const pivot_export_info *info, void **exp, char *err, size_t errlen);
int csv_begin_channel(void *exp, const pivot_channel_info *channel,
                      const pivot_signal_info *signals, size_t nsignals, char *err, size_t errlen);
int csv_append(void *exp, const pivot_batch *batch, char *err, size_t errlen);
int csv_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen);
int csv_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen);

#endif
