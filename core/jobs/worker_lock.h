/*
 * A worker's claim on its job that outlives no process: each worker holds
 * a write lock (fcntl, released by the kernel when the process ends, however
 * it ends) on <state_dir>/workers/<job_id>.lock. A server that starts after
 * a crash asks the lock who still works on a job, instead of searching
 * /proc for command lines.
 */
#ifndef PV_WORKER_LOCK_H
#define PV_WORKER_LOCK_H

#include <stddef.h>
#include <sys/types.h>

/** The folder of the lock files, in the state directory. */
#define PV_WORKER_LOCK_DIR "workers"

/**
 * Takes the lock of job_id for this process (creating the folder and file
 * when missing). Returns the descriptor, to keep open for the process's
 * life, or -1 with a message (another process holds it: its pid is named).
 */
int pv_worker_lock_take(const char *state_dir, const char *job_id, char *err, size_t errlen);

/** The pid of the process holding job_id's lock, or 0 when none does. */
pid_t pv_worker_lock_holder(const char *state_dir, const char *job_id);

/** Removes job_id's lock file, once no worker of the job runs. */
void pv_worker_lock_remove(const char *state_dir, const char *job_id);

#endif
