/*
 * Block-level reader of an Avro object container file: the header (codec,
 * schema, sync marker), then one data block at a time, uncompressed when
 * the codec is deflate or snappy. The records inside a block are left to the decoder.
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

typedef struct pva_ocf_blocks pva_ocf_blocks;

/** 1 when `name` (an avro.codec value) is one of pva_codec, else 0. */
int pva_codec_known(const char *name);

/**
 * Opens the file at `path` (borrowed while open) and reads its header.
 * Returns 0, PIVOT_ENOTSUP when the file's codec is not one of pva_codec
 * (nothing is reported: another reader may take the file), PIVOT_EIO with a
 * message naming the file, or PIVOT_ENOMEM.
 */
int pva_blocks_open(const char *path, pva_ocf_blocks **out, char *err, size_t errlen);

/**
 * Reads the next block: *data and *len are its decoded bytes (valid until
 * the next call), *count its number of records. Returns 1, 0 at the end of
 * the file, or PIVOT_EIO with a message when the rest of the file is
 * unreadable (truncated, wrong sync marker, corrupt compressed data, a
 * snappy block whose CRC does not match).
 */
int pva_blocks_next(pva_ocf_blocks *r, const uint8_t **data, size_t *len, int64_t *count, char *err,
                    size_t errlen);

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
