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

#endif
