/* The API keys a shared job store keeps for every node (jobstore_pg_keys.c). */
#ifndef PV_JOBSTORE_KEYS_H
#define PV_JOBSTORE_KEYS_H

struct pivot_key_store;

/**
 * The key store of the job store at location, for the host's key_store: in
 * the PostgreSQL database a URI names; NULL for a SQLite store, whose
 * server's auth plugin keeps its keys in its own file.
 */
const struct pivot_key_store *pv_jobstore_key_store(const char *location);

/**
 * Closes the connections the key store opened, on every thread: at the
 * end of a command, once no plugin calls it any more.
 */
void pv_jobstore_key_store_release(void);

#endif
