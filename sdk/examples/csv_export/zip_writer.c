/* gmtime_r and strdup are POSIX, beyond the C standard. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include "zip_writer.h"

#include <pivot/common.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LOCAL_HEADER_SIG 0x04034b50u
#define CENTRAL_HEADER_SIG 0x02014b50u
#define END_OF_CENTRAL_SIG 0x06054b50u
#define VERSION_NEEDED 20              /* 2.0: the oldest readers handle stored entries */
#define VERSION_MADE_BY (3u << 8 | 20) /* made on Unix, so external attributes are a mode */
#define FLAG_UTF8_NAME 0x0800u
#define LOCAL_HEADER_SIZE 30
#define UNIX_MODE_0644 (0100644u << 16)

static uint32_t crc_table[256];

void zip_crc_init(void)
{
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

static uint32_t crc_update(uint32_t crc, const unsigned char *p, size_t len)
{
    crc = ~crc;
    while (len-- > 0)
        crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static void put16(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

static int io_error(const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "writing the CSV archive failed: %s: %s", what, strerror(errno));
    return PIVOT_EIO;
}

/* The archive's current offset, which ZIP (without ZIP64) keeps in 32 bits. */
static int offset32(zip_writer *z, uint32_t *out, char *err, size_t errlen)
{
    long pos = ftell(z->file);
    if (pos < 0)
        return io_error("ftell", err, errlen);
    if ((unsigned long)pos > UINT32_MAX) {
        snprintf(err, errlen,
                 "the CSV archive would exceed 4 GiB; export fewer channels or a "
                 "shorter time range per job");
        return PIVOT_ERANGE;
    }
    *out = (uint32_t)pos;
    return 0;
}

int zip_open(zip_writer *z, const char *path, char *err, size_t errlen)
{
    struct tm tm;
    time_t now = time(NULL);

    memset(z, 0, sizeof(*z));
    z->file = fopen(path, "wbx");
    if (z->file == NULL)
        return io_error(path, err, errlen);
    /* Entries carry the export's time in MS-DOS form (local time in the
     * format's eyes; UTC here, so that it does not depend on TZ). */
    gmtime_r(&now, &tm);
    z->dos_time = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
    z->dos_date = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
    return 0;
}

/* Writes a local header; sizes and CRC are zero until zip_end_entry patches them. */
static int write_local_header(zip_writer *z, const zip_entry *e, char *err, size_t errlen)
{
    unsigned char h[LOCAL_HEADER_SIZE];
    size_t namelen = strlen(e->name);

    put32(h, LOCAL_HEADER_SIG);
    put16(h + 4, VERSION_NEEDED);
    put16(h + 6, FLAG_UTF8_NAME);
    put16(h + 8, 0); /* stored */
    put16(h + 10, z->dos_time);
    put16(h + 12, z->dos_date);
    put32(h + 14, e->crc);
    put32(h + 18, e->size);
    put32(h + 22, e->size);
    put16(h + 26, (uint32_t)namelen);
    put16(h + 28, 0);
    if (fwrite(h, 1, sizeof(h), z->file) != sizeof(h) ||
        fwrite(e->name, 1, namelen, z->file) != namelen)
        return io_error("local header", err, errlen);
    return 0;
}

int zip_begin_entry(zip_writer *z, const char *name, char *err, size_t errlen)
{
    zip_entry *e;
    int rc;

    if (z->nentries >= 65535 || strlen(name) > 65535) {
        snprintf(err, errlen, "the CSV archive cannot hold more than 65535 files");
        return PIVOT_ERANGE;
    }
    if (z->nentries == z->cap) {
        size_t cap = z->cap ? z->cap * 2 : 16;
        zip_entry *grown = realloc(z->entries, cap * sizeof(*grown));
        if (grown == NULL)
            return PIVOT_ENOMEM;
        z->entries = grown;
        z->cap = cap;
    }
    e = &z->entries[z->nentries];
    memset(e, 0, sizeof(*e));
    if ((rc = offset32(z, &e->offset, err, errlen)) != 0)
        return rc;
    e->name = strdup(name);
    if (e->name == NULL)
        return PIVOT_ENOMEM;
    z->nentries++;
    z->in_entry = 1;
    z->entry_size = 0;
    z->crc = 0;
    return write_local_header(z, e, err, errlen);
}

int zip_write(zip_writer *z, const void *data, size_t len, char *err, size_t errlen)
{
    if (z->entry_size + len > UINT32_MAX) {
        snprintf(err, errlen,
                 "a channel's CSV file would exceed 4 GiB; export a shorter time "
                 "range per job");
        return PIVOT_ERANGE;
    }
    if (fwrite(data, 1, len, z->file) != len)
        return io_error("data", err, errlen);
    z->crc = crc_update(z->crc, data, len);
    z->entry_size += len;
    return 0;
}

int zip_end_entry(zip_writer *z, char *err, size_t errlen)
{
    zip_entry *e = &z->entries[z->nentries - 1];
    unsigned char fields[12];

    e->crc = z->crc;
    e->size = (uint32_t)z->entry_size;
    z->in_entry = 0;
    /* Patch CRC, compressed and uncompressed size in the local header. */
    put32(fields, e->crc);
    put32(fields + 4, e->size);
    put32(fields + 8, e->size);
    if (fseek(z->file, (long)e->offset + 14, SEEK_SET) != 0 ||
        fwrite(fields, 1, sizeof(fields), z->file) != sizeof(fields) ||
        fseek(z->file, 0, SEEK_END) != 0)
        return io_error("local header", err, errlen);
    return 0;
}

static int write_central_directory(zip_writer *z, char *err, size_t errlen)
{
    uint32_t start, end;
    unsigned char h[46], eocd[22];
    int rc;

    if ((rc = offset32(z, &start, err, errlen)) != 0)
        return rc;
    for (size_t i = 0; i < z->nentries; i++) {
        const zip_entry *e = &z->entries[i];
        size_t namelen = strlen(e->name);
        put32(h, CENTRAL_HEADER_SIG);
        put16(h + 4, VERSION_MADE_BY);
        put16(h + 6, VERSION_NEEDED);
        put16(h + 8, FLAG_UTF8_NAME);
        put16(h + 10, 0);
        put16(h + 12, z->dos_time);
        put16(h + 14, z->dos_date);
        put32(h + 16, e->crc);
        put32(h + 20, e->size);
        put32(h + 24, e->size);
        put16(h + 28, (uint32_t)namelen);
        put16(h + 30, 0); /* extra */
        put16(h + 32, 0); /* comment */
        put16(h + 34, 0); /* disk */
        put16(h + 36, 0); /* internal attributes */
        put32(h + 38, UNIX_MODE_0644);
        put32(h + 42, e->offset);
        if (fwrite(h, 1, sizeof(h), z->file) != sizeof(h) ||
            fwrite(e->name, 1, namelen, z->file) != namelen)
            return io_error("central directory", err, errlen);
    }
    if ((rc = offset32(z, &end, err, errlen)) != 0)
        return rc;
    put32(eocd, END_OF_CENTRAL_SIG);
    put16(eocd + 4, 0);
    put16(eocd + 6, 0);
    put16(eocd + 8, (uint32_t)z->nentries);
    put16(eocd + 10, (uint32_t)z->nentries);
    put32(eocd + 12, end - start);
    put32(eocd + 16, start);
    put16(eocd + 20, 0);
    if (fwrite(eocd, 1, sizeof(eocd), z->file) != sizeof(eocd))
        return io_error("end of central directory", err, errlen);
    return 0;
}

static void release(zip_writer *z)
{
    for (size_t i = 0; i < z->nentries; i++)
        free(z->entries[i].name);
    free(z->entries);
    memset(z, 0, sizeof(*z));
}

int zip_finish(zip_writer *z, char *err, size_t errlen)
{
    int rc = write_central_directory(z, err, errlen);
    /* fclose flushes: a full disk shows up here. */
    if (fclose(z->file) != 0 && rc == 0)
        rc = io_error("close", err, errlen);
    z->file = NULL;
    release(z);
    return rc;
}

void zip_abandon(zip_writer *z)
{
    if (z->file != NULL)
        fclose(z->file);
    release(z);
}
