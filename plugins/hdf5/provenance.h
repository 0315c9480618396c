/*
 * What a channel group repeats of its job, so that a channel opened alone
 * (xarray's open_dataset(group=...), h5py on one group) still says what its
 * rows are and where they come from: the job, its request and requested
 * range, and how the rows were decimated. The root holds the same and more.
 */
#ifndef HX_PROVENANCE_H
#define HX_PROVENANCE_H

#include <hdf5.h>
#include <pivot/exporter.h>
#include <stddef.h>
#include <stdint.h>

/** The job's facts every group gets, copied from the export info at open. */
typedef struct hx_provenance {
    char *job_id;   /**< owned, or NULL */
    char *producer; /**< owned, or NULL */
    char *request;  /**< the request's JSON, owned, or NULL */
    int64_t requested_start_ns;
    int64_t requested_end_ns;
    char *decimation_method; /**< owned; NULL when every sample is written */
    uint64_t decimation_factor;
    int64_t decimation_interval_ns;
} hx_provenance;

/** Copies what groups repeat from info. Returns 0 or PIVOT_ENOMEM. */
int hx_provenance_keep(hx_provenance *p, const pivot_export_info *info);

/** Frees the copies and zeroes p. */
void hx_provenance_free(hx_provenance *p);

/**
 * Writes decimation_method and decimation_factor or decimation_interval_ns
 * and decimation_interval_iso on obj; nothing when method is NULL.
 */
int hx_write_decimation(hid_t obj, hid_t str_type, const char *method, uint64_t factor,
                        int64_t interval_ns, const char *where, char *err, size_t errlen);

/** Writes p on a channel group: job_id, producer, request, requested_*, decimation_*. */
int hx_provenance_write(hid_t group, hid_t str_type, const hx_provenance *p, const char *where,
                        char *err, size_t errlen);

#endif
