/*
 * The Avro files of one channel, in read order, optionally pruned to the
 * files that can hold samples of a time range.
 */
#ifndef PVA_FILE_LIST_H
#define PVA_FILE_LIST_H

#include "avro_source.h"

/** One file of a channel. */
typedef struct pva_data_file {
    char *path;       /**< full path, malloc'd */
    const char *name; /**< file name, points into path */
    int numbered;     /**< 1 for data_<unix-seconds>.avro */
    int64_t start_s;  /**< the <unix-seconds> of a numbered file */
} pva_data_file;

/** Files of a channel in read order. */
typedef struct pva_file_list {
    pva_data_file *files; /**< count files */
    size_t count;         /**< number of files */
} pva_file_list;

/**
 * Lists the *.avro files of the channel directory `dir` (a real path inside
 * the data directory): numbered files by start second, then the others by
 * name. With a range, drops the numbered files that cannot hold a sample of
 * it. Returns 0, PIVOT_EIO or PIVOT_ENOMEM; release with pva_file_list_free.
 */
int pva_file_list_read(const pva_instance *inst, const char *dir, const pivot_range *range,
                       pva_file_list *out, char *err, size_t errlen);

/** Releases a list; a zeroed list is accepted. */
void pva_file_list_free(pva_file_list *list);

/**
 * True when file i of a whole, sorted list may hold samples of range (the
 * test pva_file_list_read prunes with): a scan that needs every file's
 * schema lists the channel once and skips the others.
 */
int pva_file_may_overlap(const pva_file_list *list, size_t i, const pivot_range *range);

#endif
