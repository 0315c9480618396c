/* Internals of the csv exporter shared by plugin.c and export.c. */
#ifndef PIVOT_CSV_EXPORT_H
#define PIVOT_CSV_EXPORT_H

#include "csv_text.h"

/** The style set from the plugin's settings at init. */
extern csv_style csv_settings;

int csv_open(const char *path, const pivot_export_info *info, void **exp, char *err, size_t errlen);
int csv_begin_channel(void *exp, const pivot_channel_info *channel,
                      const pivot_signal_info *signals, size_t nsignals, char *err, size_t errlen);
int csv_append(void *exp, const pivot_batch *batch, char *err, size_t errlen);
int csv_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen);
int csv_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen);

#endif
