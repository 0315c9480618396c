/*
 * Internals of the matlab exporter: its settings, the state of one output
 * file, and the pivot_exporter entry points implemented across
 * export_file.c and export_channel.c.
 */
#ifndef PIVOT_MATLAB_EXPORT_H
#define PIVOT_MATLAB_EXPORT_H

#include "names.h"
#include "spool.h"

#include <matio.h>
#include <pivot/plugin.h>
#include <stddef.h>

/** MAT 5 keeps a variable's size in 32 bits; MATLAB's documented limit is 2 GiB. */
#define MX_MAT5_LIMIT (2.0 * 1024 * 1024 * 1024)

typedef enum mx_version { MX_VERSION_AUTO, MX_VERSION_5, MX_VERSION_73 } mx_version;

/** plugins.matlab.*, read at init. */
typedef struct mx_settings {
    mx_version version; /**< version: auto (the default), 5 or 7.3 */
    uint64_t max_cells; /**< max_cells: string and bytes elements one channel may hold */
} mx_settings;

extern mx_settings mx_config;

/** Reads "auto", "5" (or "7") or "7.3"; 0, or PIVOT_EINVAL with why. */
int mx_parse_version(const char *text, mx_version *out, char *why, size_t whylen);
/** The job's version: options.format_options.version, else the setting. */
mx_version mx_job_version(const pivot_export_info *info);
/** pivot_exporter.estimate: see estimate.c. */
int mx_estimate(const pivot_export_info *info, const pivot_estimate_channel *const *channels,
                size_t nchannels, uint64_t *bytes, char *err, size_t errlen);
extern const pivot_host *mx_host;

/** What a field of a channel's struct holds. */
typedef enum mx_role {
    MX_TIME,    /**< seconds since the epoch, double */
    MX_TIME_NS, /**< nanoseconds since the epoch, int64 */
    MX_VALUE,   /**< a signal's values */
    MX_VALID,   /**< a nullable signal's mask, logical */
    MX_SYMBOLS, /**< an enum's symbols, a cell of char */
} mx_role;

/** One field of a channel's struct and the spools it is written from. */
typedef struct mx_field {
    const char *name; /**< the MATLAB field name (owned by the channel's names) */
    mx_role role;     /**< what it holds */
    size_t column;    /**< MX_VALUE, MX_VALID, MX_SYMBOLS: the batch column */
    pivot_type type;  /**< MX_VALUE: the signal's type */
    mx_spool data;    /**< elements; for cells the UTF-16 units or bytes of all elements */
    mx_spool lengths; /**< cells (strings, bytes): a uint32 length per element */
    char **symbols;   /**< MX_SYMBOLS: the enum's symbols, owned */
    size_t nsymbols;
} mx_field;

/** A channel: written at end_channel, or kept in its spools until close decides the version. */
typedef struct mx_channel {
    char *source;               /**< the channel's name */
    const char *var;            /**< its variable name (owned by the export's names) */
    char **signals;             /**< the exported signals' names, owned */
    const char **signal_fields; /**< the field of each signal's values */
    size_t nsignals;
    mx_names field_names; /**< the struct's field names */
    mx_field *fields;
    size_t nfields;
    uint64_t samples;
    uint64_t cells;   /**< string and bytes elements so far */
    double mat_bytes; /**< the variable's size in a MAT 5 file, uncompressed, estimated */
    int pending;      /**< spooled, not yet written to the file */
} mx_channel;

/** One output file; the `exp` handle of the exporter. */
typedef struct mx_export {
    char *path;
    mat_t *mat;           /**< NULL until the version is known */
    enum mat_ft version;  /**< MAT_FT_UNDEFINED until then */
    int compress73;       /**< options.compression asked for gzip: deflate 7.3 datasets */
    unsigned part_seq;    /**< numbers the part files */
    mx_names variables;   /**< variable names taken */
    mx_channel *channels; /**< every channel begun, in order */
    size_t nchannels;
    int in_channel;   /**< the last channel is between begin_channel and end_channel */
    double mat_bytes; /**< the channels' estimated MAT 5 sizes, summed */
    void *scratch;    /**< a batch rearranged for the spools, owned */
    size_t scratch_size;
    /* The job's facts for the pivot_export variable, owned copies. */
    char *job_id, *request, *owner, *producer, *description, *user, *metadata, *decimation;
    pivot_range requested;
} mx_export;

int mx_open(const char *path, const pivot_export_info *info, void **exp, char *err, size_t errlen);
int mx_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen);
int mx_begin_channel(void *exp, const pivot_channel_info *channel, const pivot_signal_info *signals,
                     size_t nsignals, char *err, size_t errlen);
int mx_append(void *exp, const pivot_batch *batch, char *err, size_t errlen);
int mx_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen);

/** Creates the file in version v (MAT_FT_MAT5 or MAT_FT_MAT73). */
int mx_create_file(mx_export *x, enum mat_ft v, char *err, size_t errlen);
/** Writes a finished channel's struct variable from its spools, then removes them. */
int mx_write_channel(mx_export *x, mx_channel *ch, char *err, size_t errlen);
/** Writes the pivot_export variable: the job, the totals and the name mapping. */
int mx_write_meta(mx_export *x, const pivot_export_summary *summary, char *err, size_t errlen);
/** Removes a channel's spools and frees its fields; the names stay for pivot_export. */
void mx_channel_drop_fields(mx_channel *ch);
void mx_channel_free(mx_channel *ch);

#endif
