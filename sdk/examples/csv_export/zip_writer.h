/*
 * A minimal ZIP writer: stored (uncompressed) entries written one after
 * another, each streamed without knowing its size in advance. Keeps the
 * example free of any compression library; any unzip, Python's zipfile or
 * Excel reads the result.
 *
 * Limits: no ZIP64, so each entry and the whole archive stay below 4 GiB,
 * and at most 65535 entries; the writer refuses to go past them.
 */
#ifndef CSV_ZIP_WRITER_H
#define CSV_ZIP_WRITER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct zip_entry {
    char *name;
    uint32_t crc;
    uint32_t size;
    uint32_t offset; /* of its local header */
} zip_entry;

typedef struct zip_writer {
    FILE *file;
    zip_entry *entries;
    size_t nentries, cap;
    int in_entry;        /* an entry is being written */
    uint64_t entry_size; /* bytes of the current entry so far */
    uint32_t crc;        /* running CRC-32 of the current entry */
    uint16_t dos_time, dos_date;
} zip_writer;

/** Builds the CRC-32 table; call once before any other function (from plugin init). */
void zip_crc_init(void);

/** Creates the archive at path. Returns 0 or a negative PIVOT_E* code with a message. */
int zip_open(zip_writer *z, const char *path, char *err, size_t errlen);
/** Starts an entry named name (UTF-8, '/'-separated). */
int zip_begin_entry(zip_writer *z, const char *name, char *err, size_t errlen);
/** Appends len bytes to the current entry. */
int zip_write(zip_writer *z, const void *data, size_t len, char *err, size_t errlen);
/** Ends the current entry, filling in its size and CRC. */
int zip_end_entry(zip_writer *z, char *err, size_t errlen);
/** Writes the central directory and closes the file; z is released whatever happens. */
int zip_finish(zip_writer *z, char *err, size_t errlen);
/** Closes the file without finishing it and releases z (the caller removes the file). */
void zip_abandon(zip_writer *z);

#endif
