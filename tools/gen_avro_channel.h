/*
 * One channel of synthetic data: its files, their names, sync markers and records.
 */
#ifndef PIVOT_GEN_AVRO_CHANNEL_H
#define PIVOT_GEN_AVRO_CHANNEL_H

#include "gen_avro_ocf.h"
#include "gen_avro_shape.h"

#include <stdint.h>

/* What files to write. */
enum gen_format {
    GEN_FORMAT_OCF,   /** Avro Object Container Files */
    GEN_FORMAT_RELAY, /** header-less blocks of one record, as SpeedData's C relay writes */
};

/* The fixed sync marker of SpeedData's relays (C and Python). */
extern const uint8_t gen_relay_sync[GEN_OCF_SYNC_SIZE];

/* Longest channel name, "ch" and the index, with its NUL. */
#define GEN_CHANNEL_NAME_SIZE 16

/* What to generate; filled from the command line, read-only while generating. */
struct gen_params {
    const char *out;            /** output directory */
    const char *avsc_dir;       /** where to write <channel>.avsc, or NULL */
    const char *speeddata_root; /** where to write SpeedData's config/, or NULL */
    int64_t channels;           /** number of channels */
    int64_t first_channel;      /** index of the first channel */
    int64_t seconds;            /** seconds of data per channel */
    int64_t rate;               /** samples per second */
    int64_t file_seconds;       /** seconds of data per file */
    int64_t block_records;      /** records per block, 0 for the default */
    int64_t start_ns;           /** time of sample 0, ns since the epoch */
    int signals;                /** double signals per record */
    int with_mode;              /** append the "mode" string field */
    enum gen_shape shape;       /** record shape */
    enum gen_format format;     /** file format */
    enum gen_codec codec;       /** block codec */
    int jobs;                   /** worker threads */
};

/* Values derived once from gen_params and shared by every worker. */
struct gen_plan {
    const struct gen_params *params;
    char *schema;          /** header schema text, owned */
    double *w;             /** angular frequency of each signal, owned */
    double *amp;           /** amplitude of each signal, owned */
    int64_t block_records; /** effective records per block */
    size_t max_record;     /** upper bound of one encoded record */
};

/* Totals of what a worker wrote. */
struct gen_stats {
    int64_t files;
    int64_t bytes;
};

/* The name (and folder) of channel c: "ch" and c zero-padded to three digits. */
void gen_channel_name(int64_t c, char name[GEN_CHANNEL_NAME_SIZE]);

/* Builds the plan. 0, or -1 when out of memory. */
int gen_plan_init(struct gen_plan *plan, const struct gen_params *params);

/* Frees what gen_plan_init allocated. */
void gen_plan_free(struct gen_plan *plan);

/* The reference generator's default: blocks stay below the sync interval. */
int64_t gen_default_block_records(int signals);

/*
 * Writes every file of channel c into <out>/ch<c>/ with writer w (set up with
 * plan->max_record) and adds to stats. 0, or -1 with err set.
 */
int gen_channel_write(const struct gen_plan *plan, int64_t c, struct gen_ocf *w,
                      struct gen_stats *stats, char *err, size_t errlen);

#endif
