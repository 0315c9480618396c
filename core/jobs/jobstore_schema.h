/* The job store's schema and its migrations. */
#ifndef PV_JOBSTORE_SCHEMA_H
#define PV_JOBSTORE_SCHEMA_H

#include <sqlite3.h>
#include <stddef.h>

/**
 * Brings the store at db to the current schema. Returns 0, PIVOT_ENOTSUP
 * for a store written by a newer pivotd, or PIVOT_EIO, with a message.
 */
int pv_jobstore_migrate(sqlite3 *db, char *err, size_t errlen);

#endif
