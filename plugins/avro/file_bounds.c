/*
 * Bounds of a file: the first block read forward, the last one found by
 * scanning back from the end for the sync marker, both decoded for their
 * times only. A header-less file is decoded with the newest schema version
 * whose decoding of the first block takes exactly the block's byte size.
 */
#include "file_bounds.h"
#include "fast_decoder.h"
#include "record_reader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * One channel's cache: the bounds of the files of its last listing, by
 * name. Each listing replaces it, so the entries of files rotated away go
 * with the listing that no longer shows them.
 */
typedef struct cached_file {
    char *name;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    uint64_t fingerprint; /* of the channel's configuration the decision was made with */
    pva_bounds bounds;
} cached_file;

typedef struct pva_bounds_cache {
    char *channel;
    cached_file *files; /* sorted by name */
    size_t count;
} pva_bounds_cache;

void pva_bounds_unit(const pva_channel *ch, const pva_schema *schema, int64_t first_raw,
                     int64_t *ns_per_unit, pva_unit_source *source)
{
    if (ch->ns_per_unit != 0) {
        *ns_per_unit = ch->ns_per_unit;
        *source = PVA_UNIT_CONFIGURED;
    } else if (schema->time_unit_logical) {
        *ns_per_unit = schema->time_ns_per_unit;
        *source = PVA_UNIT_LOGICAL_TYPE;
    } else if (ch->default_ns_per_unit != 0) {
        *ns_per_unit = ch->default_ns_per_unit;
        *source = PVA_UNIT_CONFIGURED;
    } else {
        *ns_per_unit = pva_time_unit_infer(first_raw);
        *source = PVA_UNIT_INFERRED;
    }
}

/* Records at the start of a file whose spacing gives its rate. */
#define RATE_RECORDS 64

/* The rate of `n` records from raw time `from` to raw time `to`, in the file's unit. */
static void rate_of(pva_bounds *out, int64_t n, int64_t from, int64_t to)
{
    int64_t span;
    double span_ns;

    /* The difference in integers: a double holds times since 1970 to 256 ns only. */
    if (__builtin_sub_overflow(to, from, &span))
        span = 0;
    span_ns = (double)span * (double)out->ns_per_unit;
    out->rate_hz = n > 1 && span_ns > 0 ? (double)(n - 1) * 1e9 / span_ns : 0.0;
}

/*
 * First and last raw times of a block decoded with `dec`, set only when
 * its records take exactly the block's bytes; -1 when they do not.
 */
static int walk_block(const pva_decoder *dec, const uint8_t *data, size_t len, int64_t count,
                      int64_t *first, int64_t *last)
{
    int64_t f = 0, l = 0;

    if (pva_decoder_walk(dec, data, len, count, &f, &l) != 0)
        return -1;
    *first = f;
    *last = l;
    return 0;
}

/* A decoder of `schema` that stores nothing: for walking blocks. */
static int walker(const pva_schema *schema, pva_decoder *dec)
{
    return pva_decoder_compile(schema, NULL, 0, NULL, dec);
}

/* Bounds from libavro, reading the whole file: for schemas the compiled decoder cannot follow. */
static int bounds_by_libavro(const pva_data_file *f, const pva_schema *schema,
                             const pva_channel *ch, pva_bounds *out)
{
    pva_record_reader *reader = NULL;
    char msg[PIVOT_ERRMSG_SIZE];
    int64_t t, n = 0, rate_end = 0;
    int rc;

    /* The unit is known before reading only when configured or logical: read raw first. */
    rc = pva_reader_open(f->path, f->name, schema, 1, &reader, msg, sizeof(msg));
    if (rc != 0) {
        if (rc != PIVOT_ENOMEM)
            snprintf(out->problem, sizeof(out->problem), "%s", msg);
        return rc == PIVOT_ENOMEM ? rc : 0;
    }
    while (pva_reader_next(reader, &t, msg, sizeof(msg)) == 1) {
        if (n == 0)
            out->first_ns = t;
        out->last_ns = t;
        n++;
        if (n == RATE_RECORDS)
            rate_end = t;
    }
    pva_reader_close(reader);
    if (n > 0) {
        pva_bounds_unit(ch, schema, out->first_ns, &out->ns_per_unit, &out->unit_source);
        rate_of(out, n < RATE_RECORDS ? n : RATE_RECORDS, out->first_ns,
                n < RATE_RECORDS ? out->last_ns : rate_end);
        out->first_ns = pva_time_to_ns(out->first_ns, out->ns_per_unit);
        out->last_ns = pva_time_to_ns(out->last_ns, out->ns_per_unit);
        out->usable = 1;
    }
    return 0;
}

/*
 * The schema a file is decoded with: its header's (loaded into *own) or
 * the newest version that fits its first block exactly, with the decoder
 * that walks it in *dec. Returns 0, 1 when the file is not usable (why in
 * out->problem), 2 when only libavro can read it, or PIVOT_ENOMEM.
 */
static int choose_schema(const pva_channel *ch, const pva_data_file *f, pva_bounds *out,
                         const uint8_t *data, size_t len, int64_t count, pva_schema *own,
                         const pva_schema **schema, pva_decoder *dec, int64_t *first, int64_t *last)
{
    char msg[PIVOT_ERRMSG_SIZE];
    int rc;

    if (out->kind == PVA_FILE_OCF) {
        rc = pva_schema_load(f->path, own, msg, sizeof(msg));
        if (rc != 0) {
            pva_log(PIVOT_LOG_INFO, "%s", msg);
            snprintf(out->problem, sizeof(out->problem),
                     "%s: the schema in its header is not usable", f->name);
            return rc == PIVOT_ENOMEM ? rc : 1;
        }
        if (own->time_index < 0) {
            snprintf(out->problem, sizeof(out->problem), "%s: its schema has no long field time",
                     f->name);
            return 1;
        }
        *schema = own;
        rc = walker(own, dec);
        if (rc == PIVOT_ENOMEM)
            return rc;
        if (rc != 0 || walk_block(dec, data, len, count, first, last) != 0)
            return 2; /* libavro reads it */
        return 0;
    }
    if (ch->nversions == 0) {
        snprintf(out->problem, sizeof(out->problem),
                 "%s is a header-less relay file and the channel has no schema", f->name);
        return 1;
    }
    for (size_t v = ch->nversions; v-- > 0;) {
        rc = walker(&ch->versions[v], dec);
        if (rc == PIVOT_ENOMEM)
            return rc;
        if (rc == 0 && walk_block(dec, data, len, count, first, last) == 0) {
            out->version = (int)v;
            *schema = &ch->versions[v];
            return 0;
        }
        pva_decoder_free(dec);
    }
    size_t used = (size_t)snprintf(out->problem, sizeof(out->problem),
                                   "%s fits none of the channel's schema versions (tried", f->name);
    for (size_t v = ch->nversions; v-- > 0 && used < sizeof(out->problem);)
        used += (size_t)snprintf(out->problem + used, sizeof(out->problem) - used, " %s%s",
                                 ch->version_names[v], v > 0 ? "," : ")");
    return 1;
}

/*
 * Says why a file holds no whole block: damage, or a first block still
 * being written. The latter, in a file of the relay's (each block one
 * record) or with a whole OCF header, is how a relay's newest file looks.
 */
static void no_whole_block(const pva_ocf_blocks *blocks, const pva_data_file *f, pva_bounds *out)
{
    const char *first;
    uint64_t places, damaged = pva_blocks_damage(blocks, &places, &first);
    uint64_t tail = pva_blocks_tail(blocks);

    if (damaged > 0) {
        snprintf(out->problem, sizeof(out->problem),
                 "%s: damaged data: no whole record could be read (%llu bytes skipped; the "
                 "first damage: %s)",
                 f->name, (unsigned long long)damaged, first);
    } else if (tail > 0) {
        /* The relay's blocks hold one record; a header cut short tells nothing. */
        out->being_written = out->kind == PVA_FILE_OCF || pva_blocks_tail_count(blocks) == 1 ||
                             pva_blocks_tail_count(blocks) < 0;
        snprintf(out->problem, sizeof(out->problem),
                 "%s: damaged data: the file ends inside a block", f->name);
    } else {
        /* A header and nothing yet: the older relay's newest file. */
        out->being_written = out->kind == PVA_FILE_OCF;
    }
}

/*
 * The rate from the spacing of the first RATE_RECORDS records or so (a
 * relay's block holds one), read on from the first block, whose `count`
 * records run from raw time `first` to `last`.
 */
static void read_rate(pva_ocf_blocks *blocks, const pva_decoder *dec, int64_t first, int64_t count,
                      int64_t last, pva_bounds *out)
{
    char msg[PIVOT_ERRMSG_SIZE];
    const uint8_t *data;
    size_t len;
    int64_t n = count, more, unused, end = last;

    while (n < RATE_RECORDS && pva_blocks_next(blocks, &data, &len, &more, msg, sizeof(msg)) == 1) {
        if (walk_block(dec, data, len, more, &unused, &end) != 0)
            break;
        n += more;
    }
    rate_of(out, n, first, end);
}

static int compute(const pva_channel *ch, const pva_data_file *f, pva_bounds *out)
{
    pva_ocf_blocks *blocks = NULL;
    pva_schema own = {0};
    pva_decoder dec = {0};
    const pva_schema *schema = NULL;
    char msg[PIVOT_ERRMSG_SIZE];
    const uint8_t *data;
    size_t len;
    int64_t count, first = 0, last = 0, unused;
    int rc;

    memset(out, 0, sizeof(*out));
    out->version = -1;
    rc = pva_blocks_open(f->path, f->name, &blocks, msg, sizeof(msg));
    if (rc == PIVOT_ENOTSUP) {
        /* An OCF codec of libavro's only: libavro reads it, or says why not. */
        out->kind = PVA_FILE_OCF;
        rc = pva_schema_load(f->path, &own, msg, sizeof(msg));
        if (rc == 0 && own.time_index >= 0) {
            rc = bounds_by_libavro(f, &own, ch, out);
        } else if (rc != PIVOT_ENOMEM) {
            snprintf(out->problem, sizeof(out->problem), "%s: %s", f->name,
                     rc == 0 ? "its schema has no long field time"
                             : "the schema in its header is not usable");
            rc = 0;
        }
        goto out;
    }
    if (rc != 0) {
        snprintf(out->problem, sizeof(out->problem), "%s", msg);
        rc = rc == PIVOT_ENOMEM ? rc : 0;
        goto out;
    }
    out->kind = pva_blocks_kind(blocks);
    rc = pva_blocks_next(blocks, &data, &len, &count, msg, sizeof(msg));
    if (rc != 1) {
        if (rc != 0)
            snprintf(out->problem, sizeof(out->problem), "%s", msg);
        else
            no_whole_block(blocks, f, out);
        rc = 0;
        goto out;
    }
    rc = choose_schema(ch, f, out, data, len, count, &own, &schema, &dec, &first, &last);
    if (rc == 1) {
        rc = 0;
        goto out;
    }
    if (rc == 2) {
        rc = bounds_by_libavro(f, schema, ch, out);
        goto out;
    }
    if (rc != 0)
        goto out;
    pva_bounds_unit(ch, schema, first, &out->ns_per_unit, &out->unit_source);
    read_rate(blocks, &dec, first, count, last, out);
    out->first_ns = pva_time_to_ns(first, out->ns_per_unit);
    /* The last whole block (a file of one block has it read already); one
     * that does not decode leaves the last time known. */
    if (pva_blocks_seek_last(blocks) == 1 &&
        pva_blocks_next(blocks, &data, &len, &count, msg, sizeof(msg)) == 1)
        walk_block(&dec, data, len, count, &unused, &last);
    out->last_ns = pva_time_to_ns(last, out->ns_per_unit);
    if (out->last_ns < out->first_ns)
        out->last_ns = out->first_ns;
    out->usable = 1;
out:
    pva_decoder_free(&dec);
    pva_schema_clear(&own);
    pva_blocks_close(blocks);
    return rc;
}

/* The cache of `channel`, created empty when missing; NULL when out of memory. */
static pva_bounds_cache *channel_cache(pva_instance *inst, const char *channel)
{
    pva_bounds_cache *grown;

    for (size_t i = 0; i < inst->nbounds; i++)
        if (strcmp(inst->bounds[i].channel, channel) == 0)
            return &inst->bounds[i];
    grown = realloc(inst->bounds, (inst->nbounds + 1) * sizeof(*grown));
    if (grown == NULL)
        return NULL;
    inst->bounds = grown;
    memset(&grown[inst->nbounds], 0, sizeof(*grown));
    grown[inst->nbounds].channel = strdup(channel);
    if (grown[inst->nbounds].channel == NULL)
        return NULL;
    return &inst->bounds[inst->nbounds++];
}

static int same_file(const cached_file *c, const pva_data_file *f, uint64_t fingerprint)
{
    return c->dev == f->dev && c->ino == f->ino && c->size == f->size &&
           c->mtime.tv_sec == f->mtime.tv_sec && c->mtime.tv_nsec == f->mtime.tv_nsec &&
           c->fingerprint == fingerprint;
}

static void free_files(cached_file *files, size_t n)
{
    for (size_t i = 0; files != NULL && i < n; i++)
        free(files[i].name);
    free(files);
}

int pva_bounds_all(pva_instance *inst, const pva_channel *ch, const pva_file_list *files,
                   pva_bounds **out)
{
    pva_bounds_cache *cache = channel_cache(inst, ch->name);
    cached_file *fresh = NULL;
    size_t old = 0;
    int rc = PIVOT_ENOMEM;

    *out = calloc(files->count ? files->count : 1, sizeof(**out));
    fresh = calloc(files->count ? files->count : 1, sizeof(*fresh));
    if (cache == NULL || *out == NULL || fresh == NULL)
        goto out;
    /* Both lists are sorted by name: one pass pairs each file with its entry. */
    for (size_t i = 0; i < files->count; i++) {
        const pva_data_file *f = &files->files[i];
        cached_file *c = &fresh[i];

        while (old < cache->count && strcmp(cache->files[old].name, f->name) < 0)
            old++;
        if (old < cache->count && strcmp(cache->files[old].name, f->name) == 0 &&
            same_file(&cache->files[old], f, ch->fingerprint)) {
            c->bounds = cache->files[old].bounds;
        } else {
            rc = compute(ch, f, &c->bounds);
            if (rc != 0)
                goto out;
        }
        c->name = strdup(f->name);
        if (c->name == NULL) {
            rc = PIVOT_ENOMEM;
            goto out;
        }
        c->dev = f->dev;
        c->ino = f->ino;
        c->size = f->size;
        c->mtime = f->mtime;
        c->fingerprint = ch->fingerprint;
        (*out)[i] = c->bounds;
    }
    free_files(cache->files, cache->count);
    cache->files = fresh;
    cache->count = files->count;
    fresh = NULL;
    rc = 0;
out:
    free_files(fresh, files->count);
    return rc;
}

void pva_bounds_cache_free(pva_instance *inst)
{
    for (size_t i = 0; i < inst->nbounds; i++) {
        free_files(inst->bounds[i].files, inst->bounds[i].count);
        free(inst->bounds[i].channel);
    }
    free(inst->bounds);
    inst->bounds = NULL;
    inst->nbounds = 0;
}
