/*
 * Column spools: a part file beside the result per column of a channel,
 * appended to batch by batch and mapped read-only when the channel's
 * variable is written, since libmatio writes whole variables and a channel
 * must never be held in the heap.
 */
#ifndef PIVOT_MATLAB_SPOOL_H
#define PIVOT_MATLAB_SPOOL_H

#include <stdint.h>
#include <stdio.h>

typedef struct mx_spool {
    char *path;     /**< the part file, owned; NULL when the spool is unused */
    FILE *file;     /**< open for appending until mx_spool_finish */
    uint64_t bytes; /**< bytes written */
    void *map;      /**< the mapped contents between mx_spool_map and mx_spool_unmap */
} mx_spool;

/** Creates the part file `path` (which must not exist) for appending. */
int mx_spool_open(mx_spool *s, const char *path, char *err, size_t errlen);
/** Appends len bytes. */
int mx_spool_write(mx_spool *s, const void *data, size_t len, char *err, size_t errlen);
/** Flushes and closes the file; the contents stay until mx_spool_remove. */
int mx_spool_finish(mx_spool *s, char *err, size_t errlen);
/** Maps the finished contents at s->map (NULL when empty). */
int mx_spool_map(mx_spool *s, char *err, size_t errlen);
void mx_spool_unmap(mx_spool *s);
/** Closes, unmaps and deletes the part file; safe on an unused spool. */
void mx_spool_remove(mx_spool *s);

#endif
