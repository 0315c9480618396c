#include "job.h"

#include "host.h"

#include <stdlib.h>
#include <string.h>

static const char *const status_names[PV_JOB_STATUS_COUNT] = {
    "queued", "processing", "completed", "failed", "cancelled", "expired",
};

const char *pv_job_status_name(pv_job_status s)
{
    return (s >= 0 && s < PV_JOB_STATUS_COUNT) ? status_names[s] : "unknown";
}

int pv_job_status_parse(const char *name)
{
    for (int i = 0; name != NULL && i < PV_JOB_STATUS_COUNT; i++) {
        if (strcmp(name, status_names[i]) == 0)
            return i;
    }
    return -1;
}

void pv_job_clear(pv_job *job)
{
    free(job->request);
    free(job->spec);
    free(job->format);
    free(job->file_name);
    free(job->error);
    free(job->idempotency_key);
    free(job->result_detail);
    memset(job, 0, sizeof(*job));
}

int pv_job_new_id(char out[PV_JOB_ID_SIZE])
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char raw[PV_JOB_ID_LEN];
    if (pv_host_random_bytes(raw, sizeof(raw)) != 0)
        return -1;
    /* 22 characters of 6 bits each, URL-safe as they are; the first is a
     * letter or digit (62 of the 64), so that an id never reads as an
     * option on a command line (`speeddata-pivot download ID`): about 131.9
     * random bits. */
    for (size_t i = 0; i < sizeof(raw); i++)
        out[i] = alphabet[i == 0 ? raw[i] % 62 : raw[i] & 63];
    out[sizeof(raw)] = '\0';
    return 0;
}
