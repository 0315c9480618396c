/*
 * The data files of one channel's folder, by name, with their identity
 * (device, inode, size, modification time) for the bounds cache. Names are
 * only hints of the times inside: the relay names a file after its own
 * clock, the records carry the sender's, so the scan orders and prunes
 * files by their bounds, never by name.
 */
#ifndef PVA_FILE_LIST_H
#define PVA_FILE_LIST_H

#include "avro_source.h"

#include <sys/stat.h>

/** One file of a channel. */
typedef struct pva_data_file {
    char *path;       /**< full path, malloc'd */
    const char *name; /**< file name, points into path */
    dev_t dev;        /**< identity of this version of the file */
    ino_t ino;
    off_t size;
    struct timespec mtime;
} pva_data_file;

/** Files of a channel, sorted by name, and the entries that could not be files. */
typedef struct pva_file_list {
    pva_data_file *files; /**< count files */
    size_t count;         /**< number of files */
    char **problems;      /**< one sentence per *.avro entry that is not a readable file */
    size_t nproblems;
} pva_file_list;

/**
 * Lists the *.avro files of the channel folder `dir` (a real path; NULL
 * gives an empty list). An entry that is not a regular file inside the
 * folder (a directory, a FIFO, a link leading out) is not read but listed
 * in problems, since the data it stands for is missing. Returns 0, PIVOT_EIO
 * or PIVOT_ENOMEM; release with pva_file_list_free.
 */
int pva_file_list_read(const char *dir, pva_file_list *out, char *err, size_t errlen);

/**
 * Whether file i's name allows it to hold records of `range`: for a file
 * whose records cannot be read, and so whose absence matters only if they
 * could be in the range. A name other than data_<unix seconds>.avro allows
 * anything.
 */
int pva_file_name_may_overlap(const pva_file_list *list, size_t i, const pivot_range *range);

/** Releases a list; a zeroed list is accepted. */
void pva_file_list_free(pva_file_list *list);

#endif
