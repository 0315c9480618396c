/*
 * Writes one channel's files; the formulas are documented in gen_avro.c.
 */
#include "gen_avro_channel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define NS_PER_S 1000000000LL

const uint8_t gen_relay_sync[GEN_OCF_SYNC_SIZE] = {0xa4, 0x8a, 0x1e, 0x90, 0x05, 0x04, 0x24, 0x78,
                                                   0x0a, 0x68, 0x33, 0x7f, 0xc2, 0x50, 0x95, 0x63};

void gen_channel_name(int64_t c, char name[GEN_CHANNEL_NAME_SIZE])
{
    snprintf(name, GEN_CHANNEL_NAME_SIZE, "ch%03lld", (long long)c);
}

int64_t gen_default_block_records(int signals)
{
    int64_t n = (GEN_OCF_SYNC_INTERVAL - 1) / (8 * (int64_t)signals + 15);
    if (n > 1000)
        n = 1000;
    return n < 1 ? 1 : n;
}

int gen_plan_init(struct gen_plan *plan, const struct gen_params *params)
{
    memset(plan, 0, sizeof *plan);
    plan->params = params;
    plan->schema = gen_shape_schema(params->shape, params->signals, params->with_mode);
    plan->w = malloc(sizeof(double) * ((size_t)params->signals + 1));
    plan->amp = malloc(sizeof(double) * ((size_t)params->signals + 1));
    if (!plan->schema || !plan->w || !plan->amp) {
        gen_plan_free(plan);
        return -1;
    }
    for (int k = 0; k < params->signals; k++) {
        /* Evaluated left to right like Python's TWO_PI * 0.5 * (j + 1). */
        plan->w[k] = GEN_TWO_PI * 0.5 * (double)(k + 1);
        plan->amp[k] = (double)(k + 1);
    }
    /* The relay writes every record as a block of its own. */
    if (params->format == GEN_FORMAT_RELAY)
        plan->block_records = 1;
    else if (params->block_records)
        plan->block_records = params->block_records;
    else
        plan->block_records = gen_default_block_records(params->signals);
    plan->max_record = gen_shape_max_record(params->shape, params->signals, params->with_mode);
    return 0;
}

void gen_plan_free(struct gen_plan *plan)
{
    free(plan->schema);
    free(plan->w);
    free(plan->amp);
    memset(plan, 0, sizeof *plan);
}

/* 16 bytes that depend only on (channel, file start), so reruns are byte-identical. */
static void sync_marker(int64_t c, int64_t file_start_s, uint8_t sync[GEN_OCF_SYNC_SIZE])
{
    uint64_t state = (((uint64_t)c & 0xFFFFFFFFULL) << 32) ^ (uint64_t)file_start_s;
    uint64_t a = gen_splitmix64(&state);
    uint64_t b = gen_splitmix64(&state);
    for (int k = 0; k < 8; k++) {
        sync[k] = (uint8_t)(a >> (8 * k));
        sync[8 + k] = (uint8_t)(b >> (8 * k));
    }
}

/* Python's // on integers rounds toward minus infinity, also for times before 1970. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int write_file(const struct gen_plan *plan, int64_t c, int64_t i0, int64_t i1,
                      struct gen_ocf *w, char *err, size_t errlen)
{
    double ph = 0.1 * (double)c;
    int64_t in_block = 0;
    for (int64_t i = i0; i < i1; i++) {
        size_t n = gen_shape_encode(plan, c, i, ph, gen_ocf_reserve(w));
        if (gen_ocf_commit(w, n, err, errlen) < 0)
            return -1;
        /* In the reference the explicit cut counts records, whatever append flushed. */
        if (++in_block == plan->block_records) {
            if (gen_ocf_end_block(w, err, errlen) < 0)
                return -1;
            in_block = 0;
        }
    }
    return 0;
}

int gen_channel_write(const struct gen_plan *plan, int64_t c, struct gen_ocf *w,
                      struct gen_stats *stats, char *err, size_t errlen)
{
    const struct gen_params *pa = plan->params;
    char path[4096];
    int rc = -1;
    char name[GEN_CHANNEL_NAME_SIZE];
    gen_channel_name(c, name);
    int dn = snprintf(path, sizeof path, "%s/%s", pa->out, name);
    if (dn < 0 || (size_t)dn + 64 > sizeof path) {
        snprintf(err, errlen, "output path too long: %s", pa->out);
        goto out;
    }
    if (mkdir(path, 0777) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto out;
    }
    int64_t n_total = pa->seconds * pa->rate;
    int64_t file_seconds = pa->file_seconds < pa->seconds ? pa->file_seconds : pa->seconds;
    int64_t per_file = file_seconds * pa->rate;
    for (int64_t i0 = 0, j = 0; i0 < n_total; j++) {
        int64_t i1 = n_total - i0 < per_file ? n_total : i0 + per_file;
        int64_t file_start_s = floor_div(pa->start_ns + j * file_seconds * NS_PER_S, NS_PER_S);
        uint8_t sync[GEN_OCF_SYNC_SIZE];
        sync_marker(c, file_start_s, sync);
        snprintf(path + dn, sizeof path - (size_t)dn, "/data_%lld.avro", (long long)file_start_s);
        /* A relay file has no header (its schema lives in the .avsc) and the fixed marker. */
        if (pa->format == GEN_FORMAT_RELAY
                ? gen_ocf_open(w, path, NULL, gen_relay_sync, err, errlen) < 0
                : gen_ocf_open(w, path, plan->schema, sync, err, errlen) < 0)
            goto out;
        if (write_file(plan, c, i0, i1, w, err, errlen) < 0) {
            gen_ocf_abort(w);
            goto out;
        }
        if (gen_ocf_close(w, err, errlen) < 0)
            goto out;
        stats->files++;
        stats->bytes += (int64_t)w->bytes_written;
        i0 = i1;
    }
    rc = 0;
out:
    return rc;
}
