/* A job as stored in the job store: the single source of truth about it. */
#ifndef PV_JOB_H
#define PV_JOB_H

#include <stdint.h>

#define PV_JOB_ID_LEN 22  /* base64url characters of a job id */
#define PV_JOB_ID_SIZE 32 /* PV_JOB_ID_LEN characters + NUL, with room to spare */
#define PV_USER_SIZE 128

/** Job states; the text forms are the API's status values. */
typedef enum pv_job_status {
    PV_JOB_QUEUED = 0,
    PV_JOB_PROCESSING,
    PV_JOB_COMPLETED,
    PV_JOB_FAILED,
    PV_JOB_CANCELLED,
    PV_JOB_EXPIRED, /**< shown, never stored: a finished job whose file retention removed */
    PV_JOB_STATUS_COUNT
} pv_job_status;

/** One job row. Strings other than the fixed arrays are heap-allocated (pv_job_clear frees). */
typedef struct pv_job {
    char id[PV_JOB_ID_SIZE];
    char owner[PV_USER_SIZE];
    pv_job_status status;
    char *request;          /**< the request body as accepted (JSON) */
    char *spec;             /**< the resolved export (JSON): range, channels, signals, format */
    char *format;           /**< exporter name */
    int64_t range_start_ns; /**< resolved requested range */
    int64_t range_end_ns;
    double progress; /**< 0..100 */
    int64_t created_ms;
    int64_t started_ms;   /**< 0 when not started */
    int64_t finished_ms;  /**< 0 when not finished */
    int64_t heartbeat_ms; /**< last progress write by the worker */
    int64_t worker_pid;   /**< 0 when no worker */
    int attempts;         /**< times a worker was started for it */
    int cancel_requested; /**< DELETE seen while processing */
    char *file_name;      /**< result file in <state_dir>/results, when completed */
    int64_t file_size;
    int64_t channels_exported;
    int64_t samples;
    int64_t actual_start_ns; /**< actual data range; 0/0 when empty */
    int64_t actual_end_ns;
    char *error;           /**< why it failed or was cancelled, or NULL */
    int64_t expired_ms;    /**< when retention removed its file; 0 while it has one */
    char *idempotency_key; /**< the client's Idempotency-Key, or NULL */
    int priority;          /**< 0 low, 1 normal, 2 high: order among the owner's jobs */
    char *
        result_detail; /**< completed: {"channels", "channels_missing", "warnings"} JSON, or NULL */
} pv_job;

/** The API's name of a status ("queued"...). */
const char *pv_job_status_name(pv_job_status s);

/** Parses a status name; returns -1 when unknown. */
int pv_job_status_parse(const char *name);

/** Frees the heap strings of job and zeroes it. */
void pv_job_clear(pv_job *job);

/** Writes a new unguessable job id: 22 base64url characters from 132 random bits. */
int pv_job_new_id(char out[PV_JOB_ID_SIZE]);

#endif
