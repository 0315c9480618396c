/*
 * The files of the results folder, each with the job store's word on it:
 * what the scheduler's sweep of orphaned results and `pivotd check` walk.
 * Only names shaped like a job's (<job id>.<extension>...) are looked at; a
 * preview (<result>.preview.jsonl) is judged by the result it belongs to.
 */
#ifndef PV_RESULT_FILES_H
#define PV_RESULT_FILES_H

#include "jobstore.h"

/** One file of the results folder. */
typedef struct pv_result_file {
    const char *name;      /**< its name in the folder */
    const char *path;      /**< folder/name */
    int preview;           /**< a result's quick look rather than a result */
    pv_result_claim claim; /**< what the store says of it (of its result, for a preview) */
} pv_result_file;

typedef void (*pv_result_file_fn)(void *arg, const pv_result_file *file);

/** Calls visit for each job-shaped file in results. Returns 0, or -1 with errno when the folder
 * cannot be read. */
int pv_result_files_each(pv_jobstore *js, const char *results, pv_result_file_fn visit, void *arg);

#endif
