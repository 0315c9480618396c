/*
 * scan: streams one channel's samples in [start_ns, end_ns) to a sink, file
 * by file, through a batch reused from one sink call to the next.
 */
#include "avro_source.h"
#include "batch.h"
#include "channel_dir.h"
#include "fast_decoder.h"
#include "file_list.h"
#include "ocf_blocks.h"
#include "record_reader.h"
#include "record_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* State of one scan call. */
typedef struct scan_state {
    const pva_instance *inst;
    const char *channel;
    const char *const *signals;
    size_t nsignals;
    pivot_range range;
    const pivot_scan_sink *sink;
    pva_batch batch;
    size_t *field_of; /* nsignals field indexes in the current file's schema, or PVA_FIELD_ABSENT */
    pva_file_list all_files; /* every file of the channel, for the newest schema */
    pva_schema newest;       /* schema of the channel's newest readable file, once loaded */
    int newest_loaded;
} scan_state;

static void warn(scan_state *s, const char *message)
{
    pva_log(PIVOT_LOG_WARNING, "channel \"%s\": %s", s->channel, message);
    if (s->sink->warning != NULL)
        s->sink->warning(s->sink->arg, message);
}

/*
 * Loads the schema of the channel's newest readable file once: what
 * describe offered, hence the type of a signal an older file lacks and
 * whether a signal is nullable. Returns 0 or a PIVOT_E* code with a message.
 */
static int load_newest(scan_state *s, char *err, size_t errlen)
{
    char msg[PIVOT_ERRMSG_SIZE];
    int rc;

    if (s->newest_loaded)
        return 0;
    rc = pva_schema_load_newest(&s->all_files, &s->newest, msg, sizeof(msg));
    if (rc != 0) {
        pva_errf(err, errlen, "channel \"%s\": %s", s->channel, msg);
        return rc;
    }
    s->newest_loaded = 1;
    return 0;
}

/* The newest schema's field for a signal, or NULL when it offers no such signal. */
static const pva_field *newest_signal(const scan_state *s, const char *signal)
{
    long f = pva_schema_find(&s->newest, signal);

    if (f < 0 || f == s->newest.time_index || !s->newest.fields[f].supported)
        return NULL;
    return &s->newest.fields[f];
}

/*
 * The type of a requested signal that the file being read lacks: its type in
 * the channel's newest file, which is what describe offered and what the
 * exporter was begun with. Returns 0, PIVOT_ENOENT when the newest file has
 * no such signal either, or another PIVOT_E* code with a message.
 */
static int absent_type(scan_state *s, const char *signal, const char *path, pivot_type *type,
                       char *err, size_t errlen)
{
    const pva_field *f;
    int rc;

    rc = load_newest(s, err, errlen);
    if (rc != 0)
        return rc;
    f = newest_signal(s, signal);
    if (f == NULL) {
        pva_errf(err, errlen, "channel \"%s\" has no signal \"%s\" (in %s)", s->channel, signal,
                 path);
        return PIVOT_ENOENT;
    }
    *type = f->type;
    return 0;
}

/*
 * Gives a validity mask to each requested signal that is nullable in the
 * newest schema, as describe said, so that the mask is there in every batch
 * whatever the file: a file from before the signal was nullable marks all
 * its samples valid, one from before the signal existed all null. When no
 * file is readable there is nothing to mask, and the files say so one by
 * one. Returns 0 or PIVOT_ENOMEM.
 */
static int set_masks(scan_state *s)
{
    char msg[PIVOT_ERRMSG_SIZE];
    int rc = load_newest(s, msg, sizeof(msg));

    if (rc == PIVOT_ENOMEM)
        return rc;
    if (rc != 0)
        return 0;
    for (size_t i = 0; i < s->nsignals; i++) {
        const pva_field *f = newest_signal(s, s->signals[i]);

        if (f != NULL && f->nullable && (rc = pva_batch_set_nullable(&s->batch, i)) != 0)
            return rc;
    }
    return 0;
}

/*
 * Maps the requested signals onto a file's schema and sets the column types.
 * A signal the file lacks (the schema gained it later) reads as the fill
 * value of its type. A batch holds one type per column, so a file whose
 * types differ from the previous file's first flushes what the batch holds.
 */
static int bind_schema(scan_state *s, const pva_schema *schema, const char *path, char *err,
                       size_t errlen)
{
    int flushed = 0;
    int rc;

    if (schema->time_index < 0) {
        pva_errf(err, errlen, "channel \"%s\": the schema of %s has no usable time field",
                 s->channel, path);
        return PIVOT_EINVAL;
    }
    for (size_t i = 0; i < s->nsignals; i++) {
        long f = pva_schema_find(schema, s->signals[i]);
        pivot_type type;

        if (f < 0) {
            rc = absent_type(s, s->signals[i], path, &type, err, errlen);
            if (rc != 0)
                return rc;
            s->field_of[i] = PVA_FIELD_ABSENT;
        } else if (f == schema->time_index || !schema->fields[f].supported) {
            pva_errf(err, errlen, "channel \"%s\" has no signal \"%s\" (in %s)", s->channel,
                     s->signals[i], path);
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
 * Reads the records of one open file into the batch. Records are time-ordered
 * within a file, so the first one at or past the end ends the file. Returns
 * 0, a sink's non-zero value, or PIVOT_EIO (message in err) when the file
 * turns out damaged; what was read before stays in the batch.
 */
static int read_records(scan_state *s, pva_record_reader *reader, char *err, size_t errlen)
{
    pva_batch *b = &s->batch;
    int64_t t;
    int rc;

    while ((rc = pva_reader_next(reader, &t, err, errlen)) == 1) {
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
    int header = 0;

    /* Two varints: record count and byte size. */
    while (p < end && header < 2)
        if (!(*p++ & 0x80))
            header++;
    if (header < 2)
        return -1;
    return pva_decoder_first_time(d, p, (size_t)(end - p), t);
}

/*
 * Reads one file with the compiled decoder. Returns PIVOT_ENOTSUP, having
 * delivered nothing, when the file's codec or schema needs libavro;
 * otherwise as read_records.
 */
static int read_fast(scan_state *s, const char *path, const pva_schema *schema, char *err,
                     size_t errlen)
{
    pva_decoder dec = {0};
    pva_ocf_blocks *blocks = NULL;
    const uint8_t *data, *peek;
    size_t len, peek_len;
    int64_t count, next_first;
    int past_end = 0;
    int rc;

    if (s->inst->decoder == PVA_DECODER_LIBAVRO)
        return PIVOT_ENOTSUP;
    rc = pva_decoder_compile(schema, s->field_of, s->nsignals, &s->batch, &dec);
    if (rc != 0)
        return rc;
    rc = pva_blocks_open(path, &blocks, err, errlen);
    if (rc != 0)
        goto out;
    while (!past_end && (rc = pva_blocks_next(blocks, &data, &len, &count, err, errlen)) == 1) {
        /* Records are time-ordered: when the next block starts before the
         * range, none of this block's records is in it. */
        if (s->range.start_ns > INT64_MIN && pva_blocks_peek(blocks, &peek, &peek_len) == 0 &&
            peek_block_time(&dec, peek, peek_len, &next_first) == 0 &&
            next_first < s->range.start_ns)
            continue;
        rc = pva_decoder_block(&dec, data, len, count, s->range, &s->batch, s->sink, &past_end, err,
                               errlen);
        if (rc == PIVOT_EIO) {
            char msg[PIVOT_ERRMSG_SIZE];
            snprintf(msg, sizeof(msg), "%s", err);
            pva_errf(err, errlen, "%s: %s", path, msg);
        }
        if (rc != 0)
            goto out;
    }
out:
    pva_blocks_close(blocks);
    pva_decoder_free(&dec);
    return rc;
}

/* Scans one file. Damage is a warning, not a failure: the scan goes on with the next file. */
static int scan_file(scan_state *s, const char *path, char *err, size_t errlen)
{
    pva_schema schema = {0};
    pva_record_reader *reader = NULL;
    char msg[PIVOT_ERRMSG_SIZE] = "";
    int rc;

    rc = pva_schema_load(path, &schema, msg, sizeof(msg));
    if (rc == PIVOT_EIO) {
        warn(s, msg);
        rc = 0;
        goto out;
    }
    if (rc != 0)
        goto fail;
    rc = bind_schema(s, &schema, path, err, errlen);
    if (rc == PIVOT_ENOMEM)
        goto fail;
    if (rc != 0)
        goto out;
    rc = read_fast(s, path, &schema, msg, sizeof(msg));
    if (rc != PIVOT_ENOTSUP) {
        if (rc == PIVOT_EIO) {
            warn(s, msg);
            rc = 0;
        } else if (rc == PIVOT_ENOMEM) {
            goto fail;
        }
        goto out;
    }
    msg[0] = '\0';
    rc = pva_reader_open(path, &schema, &reader, msg, sizeof(msg));
    if (rc == PIVOT_EIO) {
        warn(s, msg);
        rc = 0;
        goto out;
    }
    if (rc != 0)
        goto fail;
    rc = read_records(s, reader, msg, sizeof(msg));
    if (rc == PIVOT_EIO) {
        warn(s, msg);
        rc = 0;
    } else if (rc == PIVOT_ENOMEM) {
        goto fail;
    }
    goto out;
fail:
    pva_errf(err, errlen, "channel \"%s\": %s", s->channel,
             rc == PIVOT_ENOMEM ? "out of memory" : msg);
out:
    pva_reader_close(reader);
    pva_schema_clear(&schema);
    return rc;
}

int pva_scan(void *ctx, const char *channel, const char *const *signals, size_t nsignals,
             pivot_range range, const pivot_scan_sink *sink, char *err, size_t errlen)
{
    pva_instance *inst = ctx;
    scan_state s = {0};
    char *dir = NULL;
    int rc;

    rc = pva_channel_dir(inst, channel, &dir, err, errlen);
    if (rc != 0)
        return rc;
    if (sink == NULL || sink->batch == NULL || (nsignals > 0 && signals == NULL)) {
        pva_errf(err, errlen, "scan of \"%s\": no sink or no signal list", channel);
        rc = PIVOT_EINVAL;
        goto out;
    }
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
        pva_errf(err, errlen, "out of memory scanning \"%s\"", channel);
        rc = PIVOT_ENOMEM;
        goto out;
    }
    rc = pva_file_list_read(inst, dir, NULL, &s.all_files, err, errlen);
    if (rc != 0)
        goto out;
    rc = set_masks(&s);
    if (rc != 0) {
        pva_errf(err, errlen, "out of memory scanning \"%s\"", channel);
        goto out;
    }
    for (size_t i = 0; i < s.all_files.count && rc == 0; i++) {
        if (pva_file_may_overlap(&s.all_files, i, &range))
            rc = scan_file(&s, s.all_files.files[i].path, err, errlen);
    }
    if (rc == 0)
        rc = pva_batch_flush(&s.batch, sink);
out:
    pva_batch_free(&s.batch);
    free(s.field_of);
    pva_schema_clear(&s.newest);
    pva_file_list_free(&s.all_files);
    free(dir);
    return rc;
}
