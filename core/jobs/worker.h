/*
 * The worker: the process `pivotd worker --job ID` that runs one export job
 * from start to final state. It talks to the server only through the job
 * row (progress, cancel requests, result) and SIGTERM (cancel).
 */
#ifndef PV_WORKER_H
#define PV_WORKER_H

#include "config.h"

/**
 * Runs attempt `attempt` of job `job_id` (the one the server claimed; 0: whichever the
 * store holds) to completion in this process: loads the plugins (the
 * files recorded at plugin_set by the server, each checked to be unchanged,
 * or with plugin_set NULL every plugin of the directory), reads
 * the job's spec, streams every channel from the source to the exporter into
 * <state_dir>/results/<job_id><extension> (written as
 * <job_id><extension>.<attempt>.part, fsynced and renamed) and records the outcome. Returns the
 * process exit status: 0 when the job's final state (completed, failed or cancelled) was recorded
 * in the job store, or when the job was not processing in that attempt and was left alone; 1 when
 * even recording
 * the outcome was impossible. Installs a SIGTERM handler and lowers the process's CPU priority:
 * call it only in a worker process.
 */
int pv_worker_run(const pv_config *cfg, const char *job_id, int attempt, const char *plugin_set);

/**
 * Before pv_worker_run: the descriptor of the server's progress pipe
 * (progress_pipe.h), noted on at each new whole percent; -1 (the default) for none.
 */
void pv_worker_set_notify_fd(int fd);

#endif
