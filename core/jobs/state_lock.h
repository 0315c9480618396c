/*
 * One server per state directory: `pivotd serve` holds an exclusive lock on
 * <state_dir>/pivotd.lock for its whole life. Two schedulers on one job
 * store would each take the other's running jobs for a crash's leftovers
 * and kill their workers. The `keys` and `quota` commands and the workers
 * do not take it: they only make short transactions in the job store.
 * The results folder has a lock too: a server on the embedded SQLite store
 * holds it alone, the nodes of a shared store together.
 */
#ifndef PV_STATE_LOCK_H
#define PV_STATE_LOCK_H

#include <stddef.h>

/** The lock file's name in the state directory. */
#define PV_STATE_LOCK_NAME "pivotd.lock"

/**
 * Takes the lock of state_dir and writes this process's pid into the lock
 * file. Returns the open descriptor (close-on-exec, so workers never hold
 * it), or -1 with a message naming the directory and, when another server
 * holds the lock, its pid.
 */
int pv_state_lock_take(const char *state_dir, char *err, size_t errlen);

/**
 * The pid written in state_dir's lock file: the server that holds it, or
 * the last one that did; 0 when none can be read. Takes no lock.
 */
long pv_state_lock_owner(const char *state_dir);

/**
 * Takes the lock of the results folder for a server's life: exclusive for
 * a server on an embedded SQLite store (its orphan sweep removes every file
 * its own store does not know, so the folder is its alone), shared for the
 * nodes of a shared (PostgreSQL) store. A folder whose file system has no
 * such locks is not checked (the lock is on the folder itself, no file). Returns the descriptor
 * (close-on-exec), -2 when unchecked, or -1 with a message naming the folder and what to do.
 */
int pv_results_lock_take(const char *results_dir, int shared_store, char *err, size_t errlen);

/** Releases the lock (closing fd); -1 is accepted. */
void pv_state_lock_release(int fd);

#endif
