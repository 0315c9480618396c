/*
 * Internal declarations shared by the files of the avro data source plugin.
 * Everything here has hidden visibility: only the SDK entry points leave the .so.
 */
#ifndef PVA_AVRO_SOURCE_H
#define PVA_AVRO_SOURCE_H

#include <pivot/plugin.h>

#include "site_config.h"

#define PVA_PLUGIN_NAME "avro"

/** The host table received at init; NULL when the sources are used without a host. */
extern const pivot_host *pva_host;

/** Logs through the host, when there is one. */
#define pva_log(level, ...)                                                                        \
    do {                                                                                           \
        if (pva_host != NULL && pva_host->log != NULL)                                             \
            pva_host->log((level), PVA_PLUGIN_NAME, __VA_ARGS__);                                  \
    } while (0)

struct pva_bounds_cache;

/** Which record decoder a scan uses. */
typedef enum pva_decoder_mode {
    PVA_DECODER_AUTO = 0,   /**< the compiled decoder where it applies, libavro elsewhere */
    PVA_DECODER_LIBAVRO = 1 /**< libavro's generic values only (for comparison) */
} pva_decoder_mode;

/** Environment variable that selects libavro only ("libavro"), for measurements. */
#define PVA_DECODER_ENV "PIVOT_AVRO_DECODER"

/** One opened data directory. */
typedef struct pva_instance {
    char *data_dir;                  /**< realpath of the data directory */
    size_t data_dir_len;             /**< strlen(data_dir) */
    pva_decoder_mode decoder;        /**< record decoder of this instance's scans */
    pva_site site;                   /**< SpeedData's configuration of the channels */
    struct pva_bounds_cache *bounds; /**< per channel, the files' bounds (file_bounds.c) */
    size_t nbounds;                  /**< channels in bounds */
} pva_instance;

/** Formats a message into a caller's error buffer; err may be NULL. */
void pva_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** pivot_source.describe. */
int pva_describe(void *ctx, const char *channel, pivot_channel_info **out, char *err,
                 size_t errlen);
/** pivot_source.free_info. */
void pva_free_info(void *ctx, pivot_channel_info *info);
/** pivot_source.scan. */
int pva_scan(void *ctx, const char *channel, const char *const *signals, size_t nsignals,
             pivot_range range, const pivot_scan_sink *sink, char *err, size_t errlen);
/** pivot_source.span. */
int pva_span(void *ctx, const char *channel, pivot_range *out, double *rate_hz, char *err,
             size_t errlen);

#endif
