/*
 * scan: streams one channel's samples in [start_ns, end_ns) to a sink, file
 * by file in the order of their first records, through a batch reused from
 * one sink call to the next. Files are pruned and ordered by their bounds,
 * never by their names. Damage is a warning, not a failure: a file that
 * cannot be read, or a damaged block inside one, is skipped and said so,
 * and the scan goes on.
 */
#include "avro_source.h"
#include "batch.h"
#include "channel.h"
#include "fast_decoder.h"
#include "file_bounds.h"
#include "file_list.h"
#include "newest_schema.h"
#include "ocf_blocks.h"
#include "record_reader.h"
#include "record_schema.h"
#include "varint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A file to read, with what its ends told. */
typedef struct scan_file {
    const pva_data_file *file;
    pva_bounds bounds;
    int live; /* the channel's newest file, which a relay may be appending to */
} scan_file;

/* State of one scan call. */
typedef struct scan_state {
    pva_instance *inst;
    const char *channel;
    const char *const *signals;
    size_t nsignals;
    pivot_range range;
    const pivot_scan_sink *sink;
    pva_batch batch;
    size_t *field_of; /* nsignals field indexes in the current file's schema, or PVA_FIELD_ABSENT */
    pva_channel ch;
    pva_file_list files;
    pva_bounds *bounds; /* of every file */
    scan_file *order;   /* usable files by first record */
    size_t norder;
    pva_schema newest_own;    /* the newest schema, as describe offered it */
    const pva_schema *newest; /* &newest_own once loaded, else NULL */
} scan_state;

static void warn(scan_state *s, const char *message)
{
    pva_log(PIVOT_LOG_WARNING, "channel \"%s\": %s", s->channel, message);
    if (s->sink->warning != NULL)
        s->sink->warning(s->sink->arg, message);
}

/* The newest schema's field for a signal, or NULL when it offers no such signal. */
static const pva_field *newest_signal(const scan_state *s, const char *signal)
{
    long f;

    if (s->newest == NULL)
        return NULL;
    f = pva_schema_find(s->newest, signal);
    if (f < 0 || f == s->newest->time_index || !s->newest->fields[f].supported)
        return NULL;
    return &s->newest->fields[f];
}

/*
 * Gives a validity mask to each requested signal that is nullable in the
 * newest schema, as describe said, so that the mask is there in every batch
 * whatever the file. Returns 0 or PIVOT_ENOMEM.
 */
static int set_masks(scan_state *s)
{
    for (size_t i = 0; i < s->nsignals; i++) {
        const pva_field *f = newest_signal(s, s->signals[i]);
        int rc;

        if (f != NULL && f->nullable && (rc = pva_batch_set_nullable(&s->batch, i)) != 0)
            return rc;
    }
    return 0;
}

/*
 * Maps the requested signals onto a file's schema and sets the column types.
 * A signal the file lacks (the schema gained it later) reads as the fill
 * value of its type in the newest schema. A batch holds one type per
 * column, so a file whose types differ from the previous file's first
 * flushes what the batch holds. Returns 0, a sink's value, PIVOT_ENOENT
 * (message in err) or PIVOT_ENOMEM.
 */
static int bind_schema(scan_state *s, const pva_schema *schema, const char *name, char *err,
                       size_t errlen)
{
    int flushed = 0;
    int rc;

    for (size_t i = 0; i < s->nsignals; i++) {
        long f = pva_schema_find(schema, s->signals[i]);
        const pva_field *newest;
        pivot_type type;

        if (f < 0) {
            newest = newest_signal(s, s->signals[i]);
            if (newest == NULL) {
                pva_errf(err, errlen, "no signal \"%s\" (in %s)", s->signals[i], name);
                return PIVOT_ENOENT;
            }
            type = newest->type;
            s->field_of[i] = PVA_FIELD_ABSENT;
        } else if (f == schema->time_index || !schema->fields[f].supported) {
            pva_errf(err, errlen, "no signal \"%s\" (in %s)", s->signals[i], name);
            return PIVOT_ENOENT;
        } else {
            s->field_of[i] = (size_t)f;
            type = schema->fields[f].type;
        }
        if (s->batch.columns[i].type != type && !flushed) {
            rc = pva_batch_flush(&s->batch, s->sink);
            if (rc != 0)
                return rc;
            flushed = 1;
        }
        rc = pva_batch_set_type(&s->batch, i, type);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/*
 * Reads the records of one open file with libavro into the batch. Records
 * are time-ordered within a file, so the first one at or past the end ends
 * the file. Returns 0, a sink's non-zero value, or PIVOT_EIO (message in
 * err) when the file turns out damaged; what was read before stays, and
 * *last is the time of the last record read.
 */
static int read_records(scan_state *s, pva_record_reader *reader, int64_t *last, char *err,
                        size_t errlen)
{
    pva_batch *b = &s->batch;
    int64_t t;
    int rc;

    while ((rc = pva_reader_next(reader, &t, err, errlen)) == 1) {
        *last = t;
        if (t < s->range.start_ns)
            continue;
        if (t >= s->range.end_ns)
            return 0;
        for (size_t i = 0; i < s->nsignals; i++) {
            if (s->field_of[i] == PVA_FIELD_ABSENT)
                rc = pva_batch_fill(b, i, b->count);
            else
                rc = pva_reader_fetch(reader, s->field_of[i], b, i, b->count, err, errlen);
            if (rc != 0)
                return rc;
        }
        b->time[b->count++] = t;
        if (b->count == PVA_BATCH_CAPACITY) {
            rc = pva_batch_flush(b, s->sink);
            if (rc != 0)
                return rc;
        }
    }
    return rc;
}

/*
 * Time of the first record of the block that `bytes` (a block header, then
 * its records) starts; -1 when it cannot be read from these bytes.
 */
static int peek_block_time(const pva_decoder *d, const uint8_t *bytes, size_t len, int64_t *t)
{
    const uint8_t *p = bytes, *end = bytes + len;
    uint64_t v;

    /* Two varints: record count and byte size. */
    p = pva_get_varint(p, end, &v);
    if (p != NULL)
        p = pva_get_varint(p, end, &v);
    if (p == NULL)
        return -1;
    return pva_decoder_first_time(d, p, (size_t)(end - p), t);
}

/* Reports what a file's reader passed over: damaged blocks, and a cut end unless live. */
static void report_damage(scan_state *s, const scan_file *sf, const pva_ocf_blocks *blocks)
{
    char msg[PIVOT_ERRMSG_SIZE];
    const char *first;
    uint64_t places, bytes = pva_blocks_damage(blocks, &places, &first);

    if (bytes > 0) {
        snprintf(msg, sizeof(msg),
                 "%s: skipped %llu bytes of damaged data in %llu place%s (the first: %s); the "
                 "records around them were exported",
                 sf->file->name, (unsigned long long)bytes, (unsigned long long)places,
                 places == 1 ? "" : "s", first);
        warn(s, msg);
    }
    if (pva_blocks_tail(blocks) > 0 && !sf->live) {
        snprintf(msg, sizeof(msg), "%s: is cut short; its last %llu bytes were not read",
                 sf->file->name, (unsigned long long)pva_blocks_tail(blocks));
        warn(s, msg);
    }
}

/*
 * Reads one file with the compiled decoder. Returns PIVOT_ENOTSUP, having
 * delivered nothing, when the file's codec or schema needs libavro;
 * otherwise 0, a sink's value or PIVOT_ENOMEM.
 */
static int read_fast(scan_state *s, const scan_file *sf, const pva_schema *schema, char *err,
                     size_t errlen)
{
    pva_decoder dec = {0};
    pva_ocf_blocks *blocks = NULL;
    const uint8_t *data, *peek;
    size_t len, peek_len;
    int64_t count, next_first;
    int past_end = 0, peeking = s->range.start_ns > sf->bounds.first_ns;
    int rc;

    if (s->inst->decoder == PVA_DECODER_LIBAVRO)
        return PIVOT_ENOTSUP;
    rc = pva_decoder_compile(schema, s->field_of, s->nsignals, &s->batch, &dec);
    if (rc != 0)
        return rc;
    dec.time_ns_per_unit = sf->bounds.ns_per_unit;
    rc = pva_blocks_open(sf->file->path, sf->file->name, &blocks, err, errlen);
    if (rc != 0)
        goto out;
    while (!past_end && (rc = pva_blocks_next(blocks, &data, &len, &count, err, errlen)) == 1) {
        /* Records are time-ordered: when the next block starts before the
         * range, none of this block's records is in it. Once one starts in
         * it, every later one does, and peeking stops. */
        if (peeking) {
            if (pva_blocks_peek(blocks, &peek, &peek_len) == 0 &&
                peek_block_time(&dec, peek, peek_len, &next_first) == 0 &&
                next_first < s->range.start_ns)
                continue;
            peeking = 0;
        }
        rc = pva_decoder_block(&dec, data, len, count, s->range, &s->batch, s->sink, &past_end, err,
                               errlen);
        if (rc == PIVOT_EIO) {
            pva_blocks_reject(blocks, len);
            rc = 0;
        }
        if (rc != 0)
            goto out;
    }
    if (rc == 0)
        report_damage(s, sf, blocks);
out:
    pva_blocks_close(blocks);
    pva_decoder_free(&dec);
    return rc;
}

/* Scans one file. Returns 0, a sink's value, PIVOT_ENOENT or PIVOT_ENOMEM (message in err). */
static int scan_one(scan_state *s, const scan_file *sf, char *err, size_t errlen)
{
    pva_schema own = {0};
    const pva_schema *schema;
    pva_record_reader *reader = NULL;
    char msg[PIVOT_ERRMSG_SIZE] = "";
    int64_t last = INT64_MIN;
    int rc;

    if (sf->bounds.kind == PVA_FILE_RELAY) {
        schema = &s->ch.versions[sf->bounds.version];
    } else {
        rc = pva_schema_load(sf->file->path, &own, msg, sizeof(msg));
        if (rc != 0) {
            if (rc == PIVOT_ENOMEM)
                goto out;
            snprintf(msg, sizeof(msg), "%s: the schema in its header is not usable",
                     sf->file->name);
            warn(s, msg);
            rc = 0;
            goto out;
        }
        schema = &own;
    }
    rc = bind_schema(s, schema, sf->file->name, err, errlen);
    if (rc != 0)
        goto out;
    rc = read_fast(s, sf, schema, msg, sizeof(msg));
    if (rc != PIVOT_ENOTSUP) {
        if (rc == PIVOT_EIO) {
            warn(s, msg);
            rc = 0;
        }
        goto out;
    }
    msg[0] = '\0';
    rc = pva_reader_open(sf->file->path, sf->file->name, schema, sf->bounds.ns_per_unit, &reader,
                         msg, sizeof(msg));
    if (rc == 0)
        rc = read_records(s, reader, &last, msg, sizeof(msg));
    if (rc == 0 && pva_reader_blocks(reader) != NULL)
        report_damage(s, sf, pva_reader_blocks(reader));
    if (rc == PIVOT_EIO) {
        /* Past the last whole record of a live file is the block being written. */
        if (!sf->live || last != sf->bounds.last_ns)
            warn(s, msg);
        rc = 0;
    }
out:
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory");
    pva_reader_close(reader);
    pva_schema_clear(&own);
    return rc;
}

static int compare_first(const void *pa, const void *pb)
{
    const scan_file *a = pa, *b = pb;

    if (a->bounds.first_ns != b->bounds.first_ns)
        return a->bounds.first_ns < b->bounds.first_ns ? -1 : 1;
    return strcmp(a->file->name, b->file->name);
}

/*
 * Finds the bounds of every file, warns about those that cannot be read,
 * and orders the usable ones by their first record. The newest file (by
 * name, the relay's clock, and by data) may be one a relay is appending
 * to: an incomplete last block there is no damage. Returns 0 or ENOMEM.
 */
static int plan_files(scan_state *s)
{
    size_t newest_by_data = 0;
    int64_t newest_last = INT64_MIN;
    int rc;

    for (size_t i = 0; i < s->files.nproblems; i++)
        warn(s, s->files.problems[i]);
    s->order = calloc(s->files.count ? s->files.count : 1, sizeof(*s->order));
    if (s->order == NULL)
        return PIVOT_ENOMEM;
    rc = pva_bounds_all(s->inst, &s->ch, &s->files, &s->bounds);
    if (rc != 0)
        return rc;
    for (size_t i = 0; i < s->files.count; i++) {
        scan_file *sf = &s->order[s->norder];

        sf->file = &s->files.files[i];
        sf->bounds = s->bounds[i];
        if (!sf->bounds.usable) {
            /* Reported when its name allows records of the range; an empty
             * newest file is one the relay has just opened. */
            int newest = i + 1 == s->files.count;
            if (!pva_file_name_may_overlap(&s->files, i, &s->range) ||
                (newest && (sf->file->size == 0 || sf->bounds.being_written)))
                continue;
            if (sf->bounds.problem[0] != '\0') {
                warn(s, sf->bounds.problem);
            } else {
                char msg[PIVOT_ERRMSG_SIZE];
                snprintf(msg, sizeof(msg), "%s holds no record", sf->file->name);
                warn(s, msg);
            }
            continue;
        }
        sf->live = i + 1 == s->files.count;
        if (sf->bounds.last_ns >= newest_last) {
            newest_last = sf->bounds.last_ns;
            newest_by_data = s->norder;
        }
        s->norder++;
    }
    if (s->norder > 0)
        s->order[newest_by_data].live = 1;
    qsort(s->order, s->norder, sizeof(*s->order), compare_first);
    return 0;
}

/* The newest schema; one without a time field fails the scan, as describe refuses it. */
static int find_newest(scan_state *s, char *err, size_t errlen)
{
    char problem[PIVOT_ERRMSG_SIZE];
    pva_schema_origin origin;
    int rc = pva_newest_schema(&s->ch, &s->files, s->bounds, &s->newest_own, &origin, problem,
                               sizeof(problem));

    if (rc == PIVOT_EINVAL)
        pva_errf(err, errlen, "%s", problem);
    if (rc == 0 && s->newest_own.text != NULL)
        s->newest = &s->newest_own;
    return rc;
}

int pva_scan(void *ctx, const char *channel, const char *const *signals, size_t nsignals,
             pivot_range range, const pivot_scan_sink *sink, char *err, size_t errlen)
{
    pva_instance *inst = ctx;
    scan_state s = {0};
    int rc;

    if (sink == NULL || sink->batch == NULL || (nsignals > 0 && signals == NULL)) {
        pva_errf(err, errlen, "no sink or no signal list");
        return PIVOT_EINVAL;
    }
    rc = pva_channel_open(inst, channel, &s.ch, err, errlen);
    if (rc != 0)
        return rc;
    if (range.start_ns >= range.end_ns)
        goto out;
    s.inst = inst;
    s.channel = channel;
    s.signals = signals;
    s.nsignals = nsignals;
    s.range = range;
    s.sink = sink;
    s.field_of = calloc(nsignals ? nsignals : 1, sizeof(*s.field_of));
    if (s.field_of == NULL || pva_batch_init(&s.batch, signals, nsignals) != 0) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    rc = pva_file_list_read(s.ch.dir, &s.files, err, errlen);
    if (rc == 0)
        rc = plan_files(&s);
    if (rc == 0)
        rc = find_newest(&s, err, errlen);
    if (rc == 0)
        rc = set_masks(&s);
    for (size_t i = 0; i < s.norder && rc == 0; i++) {
        const pva_bounds *b = &s.order[i].bounds;
        if (b->first_ns < range.end_ns && b->last_ns >= range.start_ns)
            rc = scan_one(&s, &s.order[i], err, errlen);
    }
    if (rc == 0)
        rc = pva_batch_flush(&s.batch, sink);
out:
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory scanning the channel");
    pva_batch_free(&s.batch);
    free(s.field_of);
    free(s.order);
    pva_schema_clear(&s.newest_own);
    free(s.bounds);
    pva_file_list_free(&s.files);
    pva_channel_close(&s.ch);
    return rc;
}
