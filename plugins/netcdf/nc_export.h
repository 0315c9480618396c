/*
 * Internals of the netcdf exporter: the state of one output file and the
 * pivot_exporter entry points implemented across export_file.c and
 * export_channel.c, with the helpers they share.
 */
#ifndef PIVOT_NETCDF_EXPORT_H
#define PIVOT_NETCDF_EXPORT_H

#include <pivot/plugin.h>
#include <stddef.h>

/** The largest chunk a job may ask for, in elements (as the hdf5 exporter). */
#define NX_CHUNK_MAX_ELEMENTS 1048576
/** A character array's chunks are this many bytes wide: its rows widen by whole chunks. */
#define NX_STRLEN_CHUNK 8
/** Appended to a nullable signal's name to name its mask variable. */
#define NX_VALID_SUFFIX "_valid"

/** One signal variable of the channel being written. */
typedef struct nx_signal {
    char *name;        /**< signal name, owned */
    pivot_type type;   /**< element type of the batch column */
    int nullable;      /**< batches carry a validity mask for it, written to valid_var */
    size_t nsymbols;   /**< enum: indices must be below this; 0 when the symbols are unknown */
    size_t fixed_size; /**< bytes: the length of every element, 0 if it varies */
    int xtype;         /**< the variable's nc_type */
    int var;           /**< the variable's id, -1 before it exists */
    char *valid_name;  /**< nullable: `<name>_valid`, owned; else NULL */
    int valid_var;     /**< the mask variable's id, -1 when there is none */

    /* A string's layout waits for its first batch (string_var.c). */
    int deferred; /**< string: its variable is defined at the first batch or the channel's end */
    char *units;  /**< string: the detail's units, kept for that definition, owned */
    char *doc;    /**< string: the detail's doc, owned */
    char *source_type; /**< string: the detail's source type, owned */
    int strlen_dim;    /**< character array: its unlimited `<name>_strlen` dimension, else -1 */
    size_t width;      /**< character array: the row width written so far, in bytes */
    size_t chunk_rows; /**< character array: rows per chunk (a chunk is 8 bytes wide) */
} nx_signal;

/** One output file; the `exp` handle of the exporter. */
typedef struct nx_export {
    int ncid;              /**< the file (its root group), -1 once closed */
    int bytes_type;        /**< the root's variable-length uint8 type, -1 until a bytes signal */
    unsigned gzip_level;   /**< 0 for no compression, 1..9 deflate behind shuffle */
    size_t chunk_elements; /**< elements per chunk, 0 for about NX_CHUNK_BYTES */
    void *scratch;         /**< batch data rearranged for libnetcdf (fills, bytes), owned */
    size_t scratch_size;   /**< bytes allocated at scratch */

    /* The channel between begin_channel and end_channel; group is -1 outside of one. */
    char *channel;      /**< channel name, owned */
    int group;          /**< the channel's group */
    int time_var;       /**< its `time` coordinate variable */
    int time_dim;       /**< its unlimited `time` dimension */
    nx_signal *signals; /**< nsignals entries, owned */
    size_t nsignals;
    size_t length; /**< samples appended so far */
} nx_export;

int nx_open(const char *path, const pivot_export_info *info, void **exp, char *err, size_t errlen);
int nx_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen);
int nx_begin_channel(void *exp, const pivot_channel_info *channel, const pivot_signal_info *signals,
                     size_t nsignals, char *err, size_t errlen);
int nx_append(void *exp, const pivot_batch *batch, char *err, size_t errlen);
int nx_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen);

/**
 * Makes the chunking, compression and caching of variable var of the
 * channel's group as the job asked: chunks of the job's chunk size or
 * about 128 KiB of elem_size-byte elements (rows of `columns` elements for
 * a 2-D variable, 0 for a 1-D one); deflate (with shuffle) only for
 * fixed-size types, which libnetcdf refuses to filter otherwise.
 */
int nx_var_storage(nx_export *x, int var, const char *name, size_t elem_size, size_t columns,
                   int filterable, char *err, size_t errlen);

/** At least `size` bytes of x->scratch, kept for the next batches; NULL with a message when out of
 * memory. */
void *nx_scratch(nx_export *x, size_t size, char *err, size_t errlen);

/** Forgets the current channel; safe outside a channel. */
void nx_channel_release(nx_export *x);

/** pivot_exporter.estimate: see estimate.c. */
int nx_estimate(const pivot_export_info *info, const pivot_estimate_channel *const *channels,
                size_t nchannels, uint64_t *bytes, char *err, size_t errlen);

#endif
