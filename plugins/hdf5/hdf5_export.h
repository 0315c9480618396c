/*
 * Internals of the hdf5 exporter: the state of one output file and the
 * pivot_exporter entry points implemented across export_file.c and
 * export_channel.c, with the helpers they share.
 */
#ifndef PIVOT_HDF5_EXPORT_H
#define PIVOT_HDF5_EXPORT_H

#include <hdf5.h>
#include <pivot/plugin.h>

#include "provenance.h"

/** The largest chunk a job may ask for, in elements (16 MiB of strings, whose
 * elements HDF5 sizes as 16-byte descriptors; HDF5 caps a chunk at 4 GiB). */
#define HX_CHUNK_MAX_ELEMENTS 1048576

struct hx_direct;
struct hx_pool;

/** One signal dataset of the channel being written. */
typedef struct hx_signal {
    char *name;        /**< signal name, owned */
    pivot_type type;   /**< element type of the batch column */
    int nullable;      /**< batches carry a validity mask for it, written to `valid` */
    size_t nsymbols;   /**< enum: indices must be below this; 0 when the symbols are unknown */
    size_t fixed_size; /**< bytes: the length of every element (an opaque type), 0 if it varies */
    hid_t dset;        /**< the dataset, or H5I_INVALID_HID */
    hid_t mem_type;    /**< the type of the data handed to H5Dwrite, owned, or H5I_INVALID_HID */
    char *valid_name;  /**< nullable: `<name>.valid`, owned; else NULL */
    hid_t valid;       /**< the valid_name dataset of a nullable signal, or H5I_INVALID_HID */
    struct hx_direct *direct;       /**< dset's direct chunk writer, or NULL (direct_chunks.h) */
    struct hx_direct *valid_direct; /**< valid's, or NULL */
    /* A string signal's dataset is made with its first samples, whose
     * lengths choose its layout (string_column.h); until then dset is
     * H5I_INVALID_HID and its detail's texts are kept here. */
    size_t str_width;  /**< string: bytes per row of its character array; 0: variable length */
    hsize_t chunk;     /**< rows per chunk of the dataset and its mask */
    char *units;       /**< string: the detail's units, owned, or NULL */
    char *doc;         /**< string: the detail's description, owned, or NULL */
    char *source_type; /**< string: the detail's source type, owned, or NULL */
} hx_signal;

/** One output file; the `exp` handle of the exporter. */
typedef struct hx_export {
    hid_t file;             /**< the file, or H5I_INVALID_HID */
    hid_t str_type;         /**< variable-length UTF-8 string, for attributes and string signals */
    unsigned gzip_level;    /**< 0 for no compression, 1..9 deflate behind shuffle */
    hsize_t chunk_elements; /**< elements per chunk, 0 for about HX_CHUNK_BYTES */
    void *scratch;          /**< batch data rearranged for HDF5 (bytes, masks), owned */
    hx_provenance provenance; /**< what each channel group repeats of the job */
    size_t scratch_size;      /**< bytes allocated at scratch */

    /* The channel between begin_channel and end_channel; group is
     * H5I_INVALID_HID outside of one. */
    char *channel;      /**< channel name, owned */
    hid_t group;        /**< /<channel> */
    hid_t time;         /**< /<channel>/time */
    hx_signal *signals; /**< nsignals entries, owned */
    size_t nsignals;
    hsize_t length; /**< samples appended so far */

    /* Compression on threads with direct chunk writes (direct_chunks.h). */
    struct hx_pool *pool;       /**< the compression threads, or NULL: HDF5 compresses */
    struct hx_direct **directs; /**< the channel's direct writers, owned */
    size_t ndirects;
    size_t direct_stage_bytes;     /**< their chunk buffers */
    struct hx_direct *time_direct; /**< time's, or NULL */
} hx_export;

/** The exporter registered by the plugin. */
extern const pivot_exporter hx_exporter;

int hx_open(const char *path, const pivot_export_info *info, void **exp, char *err, size_t errlen);
int hx_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen);
int hx_begin_channel(void *exp, const pivot_channel_info *channel, const pivot_signal_info *signals,
                     size_t nsignals, char *err, size_t errlen);
int hx_append(void *exp, const pivot_batch *batch, char *err, size_t errlen);
int hx_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen);

/**
 * An empty, unlimited, chunked 1-D dataset `name` of file_type in the
 * channel's group, compressed as the job asked; chunk is in elements.
 * Returns the dataset, or H5I_INVALID_HID with a message in err.
 */
hid_t hx_column_create(hx_export *x, const char *name, hid_t file_type, hsize_t chunk, char *err,
                       size_t errlen);

/**
 * An empty character array `name`: rows of `width` elements of char_type
 * (one-byte strings), unlimited in rows, chunked by `chunk` rows and
 * compressed as the job asked. Returns the dataset, or H5I_INVALID_HID
 * with a message in err.
 */
hid_t hx_char_column_create(hx_export *x, const char *name, hid_t char_type, hsize_t chunk,
                            hsize_t width, char *err, size_t errlen);

/** Elements of file_type in one chunk: as the job asked, or about HX_CHUNK_BYTES. */
hsize_t hx_chunk_elements(const hx_export *x, hid_t file_type);

/**
 * Elements in one chunk of a dataset whose file type is `size` bytes, when
 * the job asked for `asked` (0: about HX_CHUNK_BYTES). What
 * hx_chunk_elements computes, without HDF5, for the estimate.
 */
uint64_t hx_chunk_for(uint64_t asked, size_t size);

/** Bytes of the smallest signed integer holding every index of an enum of nsymbols. */
size_t hx_enum_bytes(size_t nsymbols);

/** The exporter's estimate of a file's size (pivot_exporter.estimate); see estimate.c. */
int hx_estimate(const pivot_export_info *info, const pivot_estimate_channel *const *channels,
                size_t nchannels, uint64_t *bytes, char *err, size_t errlen);

/**
 * Grows dset to start + count elements and writes `count` values of
 * mem_type (laid out as mem_space) from data at start.
 */
int hx_write_slab(hid_t dset, hid_t mem_type, hid_t mem_space, hsize_t start, hsize_t count,
                  const void *data, const char *channel, const char *name, char *err,
                  size_t errlen);

/**
 * At least `size` bytes of x->scratch, kept for the next batches; NULL with
 * a message in err when out of memory.
 */
void *hx_scratch(hx_export *x, size_t size, char *err, size_t errlen);

/**
 * Creates string signal s's dataset (a character array of rows of `width`
 * bytes, or variable-length strings when width is 0) with its attributes
 * and dimension scales, and its mask when nullable and not made yet.
 * Returns 0 or a PIVOT_E* code.
 */
int hx_string_signal_create(hx_export *x, hx_signal *s, size_t width, char *err, size_t errlen);

/** Closes every HDF5 object of the current channel and forgets it; safe outside a channel. */
void hx_channel_release(hx_export *x);

#endif
