/*
 * Block-level reader of the two kinds of file a SpeedData cache holds: Avro
 * object container files (a header with codec, schema and sync marker, then
 * blocks) and the C relay's header-less files (only blocks, each ended by
 * the relay's fixed marker, the schema kept in SpeedData's configuration).
 * It hands out one block at a time, uncompressed when the codec is deflate
 * or snappy; the records inside are left to the decoder.
 *
 * A damaged block is skipped: the reader resynchronises at the next sync
 * marker and counts what it passed over. An incomplete block at the end of
 * the file, what a relay still appending leaves, ends the file and is
 * measured, not reported: the caller decides whether it is a live tail.
 */
#ifndef PVA_OCF_BLOCKS_H
#define PVA_OCF_BLOCKS_H

#include "avro_source.h"

#include <stdint.h>

/** Block codecs this reader understands. */
typedef enum pva_codec {
    PVA_CODEC_NULL = 0,
    PVA_CODEC_DEFLATE = 1,
    PVA_CODEC_SNAPPY = 2
} pva_codec;

/** The kinds of file, told apart by their first bytes. */
typedef enum pva_file_kind {
    PVA_FILE_OCF = 0,  /**< starts with "Obj\x01" */
    PVA_FILE_RELAY = 1 /**< anything else: header-less blocks with the relay's marker */
} pva_file_kind;

/** The sync marker SpeedData's relays (C and Python) end every block with. */
extern const uint8_t pva_relay_marker[16];

typedef struct pva_ocf_blocks pva_ocf_blocks;

/** 1 when `name` (an avro.codec value) is one of pva_codec, else 0. */
int pva_codec_known(const char *name);

/**
 * Opens the regular file at `path` (borrowed while open; a FIFO or device
 * is refused without blocking), tells its kind and reads an OCF header.
 * Messages name the file by `name`, never by its path. Returns 0,
 * PIVOT_ENOTSUP when the file's codec is not one of pva_codec (nothing is
 * reported: another reader may take the file), PIVOT_EIO with a message, or
 * PIVOT_ENOMEM.
 */
int pva_blocks_open(const char *path, const char *name, pva_ocf_blocks **out, char *err,
                    size_t errlen);

/** The file's kind. */
pva_file_kind pva_blocks_kind(const pva_ocf_blocks *r);

/**
 * Reads the next whole block: *data and *len are its decoded bytes (valid
 * until the next call), *count its number of records. Damaged blocks on
 * the way are skipped and counted (pva_blocks_damage). Returns 1, 0 at the
 * end of the file or at an incomplete last block (pva_blocks_tail), or
 * PIVOT_EIO with a message when the file cannot be read.
 */
int pva_blocks_next(pva_ocf_blocks *r, const uint8_t **data, size_t *len, int64_t *count, char *err,
                    size_t errlen);

/**
 * Positions the reader so that the next pva_blocks_next returns the last
 * whole block of the file, found by scanning back from the end for the
 * sync marker. Returns 1, 0 when the file holds no whole block, or
 * PIVOT_EIO / PIVOT_ENOMEM.
 */
int pva_blocks_seek_last(pva_ocf_blocks *r);

/** Counts the block last returned as damaged (its records did not decode). */
void pva_blocks_reject(pva_ocf_blocks *r, size_t len);

/**
 * Bytes passed over in damaged blocks so far, how many places were damaged
 * and what the first was ("a wrong sync marker"...; NULL when none).
 */
uint64_t pva_blocks_damage(const pva_ocf_blocks *r, uint64_t *places, const char **first);

/**
 * The record count the header of that incomplete block announces, or -1
 * when the header itself is cut or unreadable: 1 in a relay's file.
 */
int64_t pva_blocks_tail_count(const pva_ocf_blocks *r);

/**
 * Bytes of an incomplete block at the end of the file, once the end is
 * reached; else 0. A last block whose records are whole but whose marker
 * is cut is read, and counts nothing here.
 */
uint64_t pva_blocks_tail(const pva_ocf_blocks *r);

/**
 * The bytes that follow the block last returned by pva_blocks_next, as far
 * as they are already in memory, once its sync marker is checked: for a
 * look at the next block without reading it. Returns 0 and at most a few
 * hundred bytes, or -1 when nothing can be seen (compressed blocks, the end
 * of the file, a wrong sync marker).
 */
int pva_blocks_peek(const pva_ocf_blocks *r, const uint8_t **data, size_t *len);

/** The file's codec. */
pva_codec pva_blocks_codec(const pva_ocf_blocks *r);

/** Closes the file; NULL is accepted. */
void pva_blocks_close(pva_ocf_blocks *r);

#endif
