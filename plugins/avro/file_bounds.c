/*
 * Bounds of a file: the first block read forward, the last one found by
 * scanning back from the end for the sync marker, both decoded for their
 * times only. A header-less file is decoded with the newest schema version
 * whose decoding of the first block takes exactly the block's byte size.
 */
#include "file_bounds.h"
#include "fast_decoder.h"
#include "record_reader.h"

#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One cached file. */
typedef struct cached_bounds {
    char *path; /* the key */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    unsigned generation; /* of the site configuration the decision was made with */
    pva_bounds bounds;
} cached_bounds;

static int compare_paths(const void *a, const void *b)
{
    return strcmp(((const cached_bounds *)a)->path, ((const cached_bounds *)b)->path);
}

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
    /* The difference in integers: a double holds times since 1970 to 256 ns only. */
    double span_ns = (double)(to - from) * (double)out->ns_per_unit;

    out->rate_hz = n > 1 && span_ns > 0 ? (double)(n - 1) * 1e9 / span_ns : 0.0;
}

/* First and last raw times of a block decoded with `schema`; -1 when it does not fit. */
static int walk_block(const pva_schema *schema, const uint8_t *data, size_t len, int64_t count,
                      int64_t *first, int64_t *last, int *nomem)
{
    pva_decoder dec = {0};
    int rc = pva_decoder_compile(schema, NULL, 0, NULL, &dec);

    *nomem = rc == PIVOT_ENOMEM;
    if (rc != 0)
        return -1;
    rc = pva_decoder_walk(&dec, data, len, count, first, last);
    pva_decoder_free(&dec);
    return rc;
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

/* The schema a file is decoded with: its header's (loaded into *own) or a fitting version. */
static int choose_schema(const pva_channel *ch, const pva_data_file *f, pva_bounds *out,
                         const uint8_t *data, size_t len, int64_t count, pva_schema *own,
                         const pva_schema **schema, int64_t *first, int64_t *last)
{
    char msg[PIVOT_ERRMSG_SIZE];
    int nomem = 0;
    int rc;

    if (out->kind == PVA_FILE_OCF) {
        rc = pva_schema_load(f->path, own, msg, sizeof(msg));
        if (rc != 0) {
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
        if (walk_block(own, data, len, count, first, last, &nomem) != 0)
            return nomem ? PIVOT_ENOMEM : 2; /* libavro reads it */
        return 0;
    }
    if (ch->nversions == 0) {
        snprintf(out->problem, sizeof(out->problem),
                 "%s is a header-less relay file and the channel has no schema", f->name);
        return 1;
    }
    for (size_t v = ch->nversions; v-- > 0;) {
        if (walk_block(&ch->versions[v], data, len, count, first, last, &nomem) == 0) {
            out->version = (int)v;
            *schema = &ch->versions[v];
            return 0;
        }
        if (nomem)
            return PIVOT_ENOMEM;
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
        out->being_written = out->kind == PVA_FILE_OCF || pva_blocks_tail_count(blocks) == 1;
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
 * records run from raw time `first` to `last`. Returns 0 or PIVOT_ENOMEM.
 */
static int read_rate(pva_ocf_blocks *blocks, const pva_schema *schema, int64_t first, int64_t count,
                     int64_t last, pva_bounds *out)
{
    char msg[PIVOT_ERRMSG_SIZE];
    const uint8_t *data;
    size_t len;
    int64_t n = count, more, unused, end = last;
    int nomem = 0;

    while (n < RATE_RECORDS && pva_blocks_next(blocks, &data, &len, &more, msg, sizeof(msg)) == 1) {
        if (walk_block(schema, data, len, more, &unused, &end, &nomem) != 0) {
            if (nomem)
                return PIVOT_ENOMEM;
            break;
        }
        n += more;
    }
    rate_of(out, n, first, end);
    return 0;
}

static int compute(const pva_channel *ch, const pva_data_file *f, pva_bounds *out)
{
    pva_ocf_blocks *blocks = NULL;
    pva_schema own = {0};
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
        if (rc == 0 && own.time_index >= 0)
            rc = bounds_by_libavro(f, &own, ch, out);
        else if (rc != PIVOT_ENOMEM)
            rc = 0,
            snprintf(out->problem, sizeof(out->problem), "%s: its header is not usable", f->name);
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
    rc = choose_schema(ch, f, out, data, len, count, &own, &schema, &first, &last);
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
    rc = read_rate(blocks, schema, first, count, last, out);
    if (rc != 0)
        goto out;
    out->first_ns = pva_time_to_ns(first, out->ns_per_unit);
    /* The last whole block; a file of one block has it read already. */
    if (pva_blocks_seek_last(blocks) == 1 &&
        pva_blocks_next(blocks, &data, &len, &count, msg, sizeof(msg)) == 1) {
        int nomem = 0;
        if (walk_block(schema, data, len, count, &unused, &last, &nomem) != 0 && nomem) {
            rc = PIVOT_ENOMEM;
            goto out;
        }
    }
    out->last_ns = pva_time_to_ns(last, out->ns_per_unit);
    if (out->last_ns < out->first_ns)
        out->last_ns = out->first_ns;
    out->usable = 1;
out:
    pva_schema_clear(&own);
    pva_blocks_close(blocks);
    return rc;
}

int pva_bounds_get(pva_instance *inst, const pva_channel *ch, const pva_data_file *f,
                   pva_bounds *out)
{
    cached_bounds key = {.path = f->path};
    cached_bounds **found, *entry;
    int rc;

    found = tfind(&key, &inst->bounds_cache, compare_paths);
    if (found != NULL) {
        entry = *found;
        if (entry->dev == f->dev && entry->ino == f->ino && entry->size == f->size &&
            entry->mtime.tv_sec == f->mtime.tv_sec && entry->mtime.tv_nsec == f->mtime.tv_nsec &&
            entry->generation == inst->site.generation) {
            *out = entry->bounds;
            return 0;
        }
    } else {
        entry = calloc(1, sizeof(*entry));
        if (entry == NULL || (entry->path = strdup(f->path)) == NULL) {
            free(entry);
            return PIVOT_ENOMEM;
        }
        if (tsearch(entry, &inst->bounds_cache, compare_paths) == NULL) {
            free(entry->path);
            free(entry);
            return PIVOT_ENOMEM;
        }
    }
    rc = compute(ch, f, out);
    if (rc != 0)
        return rc;
    entry->dev = f->dev;
    entry->ino = f->ino;
    entry->size = f->size;
    entry->mtime = f->mtime;
    entry->generation = inst->site.generation;
    entry->bounds = *out;
    return 0;
}

static void free_entry(void *p)
{
    cached_bounds *entry = p;

    free(entry->path);
    free(entry);
}

void pva_bounds_cache_free(pva_instance *inst)
{
    if (inst->bounds_cache != NULL)
        tdestroy(inst->bounds_cache, free_entry);
    inst->bounds_cache = NULL;
}
