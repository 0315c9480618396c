/*
 * Writes one channel's files; the formulas are documented in gen_avro.c.
 */
#include "gen_avro_channel.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#define NS_PER_S 1000000000LL

/* math.pi as Python has it; TWO_PI = 2.0 * math.pi in the reference. */
static const double two_pi = 2.0 * 3.14159265358979323846;

static const char modes[4][4] = {
    {'i', 'd', 'l', 'e'}, {'r', 'a', 'm', 'p'}, {'h', 'o', 'l', 'd'}, {'v', 'e', 'n', 't'}};

int64_t gen_default_block_records(int signals)
{
    int64_t n = (GEN_OCF_SYNC_INTERVAL - 1) / (8 * (int64_t)signals + 15);
    if (n > 1000)
        n = 1000;
    return n < 1 ? 1 : n;
}

/* The header schema text, character for character the reference's schema_json(). */
static char *schema_json(int signals, int with_mode)
{
    const char *head = "{\"type\":\"record\",\"name\":\"data\",\"namespace\":\"speeddata.bench\","
                       "\"fields\":[{\"name\":\"time\",\"type\":\"long\","
                       "\"logicalType\":\"timestamp-nanos\"}";
    const char *counter = ",{\"name\":\"counter\",\"type\":\"int\"}";
    const char *mode = ",{\"name\":\"mode\",\"type\":\"string\"}";
    size_t cap = strlen(head) + strlen(counter) + strlen(mode) + 3 + (size_t)signals * 48;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t n = (size_t)snprintf(s, cap, "%s", head);
    for (int k = 0; k < signals; k++)
        n += (size_t)snprintf(s + n, cap - n, ",{\"name\":\"sig%d\",\"type\":\"double\"}", k);
    n += (size_t)snprintf(s + n, cap - n, "%s%s]}", counter, with_mode ? mode : "");
    return s;
}

int gen_plan_init(struct gen_plan *plan, const struct gen_params *params)
{
    memset(plan, 0, sizeof *plan);
    plan->params = params;
    plan->schema = schema_json(params->signals, params->with_mode);
    plan->w = malloc(sizeof(double) * ((size_t)params->signals + 1));
    plan->amp = malloc(sizeof(double) * ((size_t)params->signals + 1));
    if (!plan->schema || !plan->w || !plan->amp) {
        gen_plan_free(plan);
        return -1;
    }
    for (int k = 0; k < params->signals; k++) {
        /* Evaluated left to right like Python's TWO_PI * 0.5 * (j + 1). */
        plan->w[k] = two_pi * 0.5 * (double)(k + 1);
        plan->amp[k] = (double)(k + 1);
    }
    plan->block_records =
        params->block_records ? params->block_records : gen_default_block_records(params->signals);
    /* time varint + doubles + counter varint + "mode" (length byte and 4 letters). */
    plan->max_record = 10 + 8 * (size_t)params->signals + 5 + (params->with_mode ? 5 : 0);
    return 0;
}

void gen_plan_free(struct gen_plan *plan)
{
    free(plan->schema);
    free(plan->w);
    free(plan->amp);
    memset(plan, 0, sizeof *plan);
}

static void splitmix64(uint64_t *state, uint64_t *out)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    *out = z ^ (z >> 31);
}

/* 16 bytes that depend only on (channel, file start), so reruns are byte-identical. */
static void sync_marker(int64_t c, int64_t file_start_s, uint8_t sync[GEN_OCF_SYNC_SIZE])
{
    uint64_t state = (((uint64_t)c & 0xFFFFFFFFULL) << 32) ^ (uint64_t)file_start_s;
    uint64_t a, b;
    splitmix64(&state, &a);
    splitmix64(&state, &b);
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

/* Encodes record i of channel phase ph at p; returns its length. */
static size_t encode_record(const struct gen_plan *plan, int64_t i, double ph, uint8_t *p)
{
    const struct gen_params *pa = plan->params;
    int64_t rate = pa->rate;
    /* (i * 1e9) // rate without the 64-bit overflow of i * 1e9: i = q*rate + r. */
    int64_t time = pa->start_ns + (i / rate) * NS_PER_S + ((i % rate) * NS_PER_S) / rate;
    size_t n = gen_avro_put_long(p, time);
    double t = (double)i / (double)rate;
    for (int k = 0; k < pa->signals; k++, n += 8)
        gen_avro_put_double(p + n, plan->amp[k] * sin(plan->w[k] * t + ph));
    n += gen_avro_put_long(p + n, i & 0x7FFFFFFF);
    if (pa->with_mode) {
        p[n++] = 4 << 1; /* zigzag string length */
        memcpy(p + n, modes[(i / (10 * rate)) % 4], 4);
        n += 4;
    }
    return n;
}

static int write_file(const struct gen_plan *plan, int64_t c, int64_t i0, int64_t i1,
                      struct gen_ocf *w, char *err, size_t errlen)
{
    double ph = 0.1 * (double)c;
    int64_t in_block = 0;
    for (int64_t i = i0; i < i1; i++) {
        size_t n = encode_record(plan, i, ph, gen_ocf_reserve(w));
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
    int dn = snprintf(path, sizeof path, "%s/ch%03lld", pa->out, (long long)c);
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
        if (gen_ocf_open(w, path, plan->schema, sync, err, errlen) < 0)
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
