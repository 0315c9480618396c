/*
 * A consistent copy of one SQLite database (the job store, the auth
 * plugin's key store) taken while pivotd serves: SQLite's online backup API
 * copies every page inside one read transaction, which in WAL mode neither
 * waits for nor blocks the server's writers.
 */
#ifndef PV_STORE_BACKUP_H
#define PV_STORE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

/**
 * Copies the database at src into a new file dest (which must not exist),
 * written as dest.part, checked with PRAGMA integrity_check, synced and
 * renamed into place. *pages receives the number of pages copied. Returns
 * 0, or a negative PIVOT_E* code with a message (dest.part is removed).
 */
int pv_store_backup(const char *src, const char *dest, int64_t *pages, char *err, size_t errlen);

#endif
