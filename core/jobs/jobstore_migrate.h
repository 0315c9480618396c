/* Moving a site's job store from SQLite to PostgreSQL (`pivotd jobs migrate`). */
#ifndef PV_JOBSTORE_MIGRATE_H
#define PV_JOBSTORE_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

/** What pv_jobstore_copy_to_pg copied. */
typedef struct pv_migrate_counts {
    int64_t jobs;        /**< job rows, every status */
    int64_t quotas;      /**< per-user quota overrides (and the defaults row) */
    int64_t quota_usage; /**< entries of the quota ledger */
    int64_t api_keys;    /**< API keys of the auth plugin's file */
} pv_migrate_counts;

/**
 * Copies the jobs, quotas and quota ledger of the SQLite store at
 * sqlite_path, and the API keys of the auth plugin's file at auth_path
 * (NULL: none), into the PostgreSQL database at uri (created and migrated
 * when needed), where every node shares them, in one transaction: all or
 * nothing. Refuses (PIVOT_EEXIST)
 * a database that holds jobs already. Returns 0 or an error with a message.
 */
int pv_jobstore_copy_to_pg(const char *sqlite_path, const char *auth_path, const char *uri,
                           pv_migrate_counts *counts, char *err, size_t errlen);

#endif
