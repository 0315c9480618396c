/* The state directory: the job store and the results live under it. */
#ifndef PV_STATE_DIR_H
#define PV_STATE_DIR_H

#include "config.h"

/**
 * Creates <state_dir> and <state_dir>/results (mode 0750) when missing and
 * writes the job store's path and the results directory's absolute path.
 */
int pv_state_dir_prepare(const pv_config *cfg, char *job_store, size_t job_store_len, char *results,
                         size_t results_len, char *err, size_t errlen);

/**
 * Refuses to start over results without their job store: when job_store is
 * missing or empty (0 bytes: SQLite would make a new, empty store of it)
 * while the results directory holds result files, returns PIVOT_EEXIST
 * with a message saying what to do. Nothing is created or deleted.
 */
int pv_state_dir_check_store(const char *job_store, const char *results, char *err, size_t errlen);

/**
 * The path of the result file `name` (as the job store records it: a name
 * in the results directory) into out. PIVOT_EINVAL for a name that is not
 * a plain file name, PIVOT_ERANGE when the path does not fit.
 */
int pv_state_result_path(const char *results, const char *name, char *out, size_t len);

/** What the quick-look preview of result file NAME is called: NAME followed by this. */
#define PV_PREVIEW_SUFFIX ".preview.jsonl"

/** The length of the result file name that file `name` is the preview of, or 0 when it is none. */
size_t pv_state_preview_of(const char *name);

/** Removes the preview of result file `name`, if it has one; the result goes, so does its preview.
 */
void pv_state_remove_preview(const char *results, const char *name);

/**
 * This node's name in a cluster sharing one job store: node_name, or by
 * default "<host name>:<absolute state_dir>", the same across the node's
 * restarts (and one per state folder, which the state lock keeps to one
 * server). Returns 0, or PIVOT_ERANGE when it does not fit.
 */
int pv_state_node_name(const pv_config *cfg, char *out, size_t len);

#endif
