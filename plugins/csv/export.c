/*
 * The "csv" export: a ZIP archive (libzip) holding request.json and one
 * RFC 4180 file per channel, <channel>.csv, in request order. Each channel
 * is written to a part file beside the result first, since libzip reads its
 * sources when the archive is closed and a channel must never be held in
 * memory; the parts are removed once the archive is complete or abandoned.
 * A job of one channel without compression gets that channel's CSV file
 * itself, written straight to the result (csv_is_single).
 */
#include "csv_export.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

/* Rows are gathered into this much text before each write. */
#define FLUSH_BYTES (256 * 1024)
#define VALID_SUFFIX "_valid"

typedef struct csv_export {
    zip_t *zip;          /**< NULL for a single bare CSV file */
    FILE *single;        /**< the result itself when it is one bare CSV file */
    csv_style style;     /**< the settings and the job's format options */
    char *path;          /**< the result's path, for naming the parts */
    unsigned gzip_level; /**< 0: entries stored; 1..9: deflated at that level */
    csv_buf text;
    char **parts; /**< part files made so far, removed at close */
    size_t nparts;
    size_t channels_begun;
    /* The channel between begin_channel and end_channel; part is NULL outside. */
    FILE *part;
    char *channel;
    pivot_signal_detail *details; /**< one readable copy per signal */
    size_t nsignals;
} csv_export;

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

static int zip_failed(zip_t *z, const char *what, char *err, size_t errlen)
{
    /* An abandoned export is closed without a message buffer. */
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s: %s", what, zip_strerror(z));
    return PIVOT_EIO;
}

static int out_of_memory(const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: out of memory", what);
    return PIVOT_ENOMEM;
}

static void release_channel(csv_export *x)
{
    if (x->part != NULL && x->part != x->single)
        fclose(x->part);
    x->part = NULL;
    free(x->channel);
    x->channel = NULL;
    free(x->details);
    x->details = NULL;
    x->nsignals = 0;
    x->text.len = 0;
}

/* Entries are stored unless the job asked for compression (options.compression). */
static int set_compression(csv_export *x, zip_int64_t index, const char *name, char *err,
                           size_t errlen)
{
    if (zip_set_file_compression(x->zip, (zip_uint64_t)index,
                                 x->gzip_level > 0 ? ZIP_CM_DEFLATE : ZIP_CM_STORE,
                                 x->gzip_level) != 0)
        return zip_failed(x->zip, name, err, errlen);
    return 0;
}

/* The result is the channel's CSV file itself. */
static int open_single(csv_export *x, const char *path, char *err, size_t errlen)
{
    x->single = fopen(path, "wbx");
    if (x->single == NULL) {
        snprintf(err, errlen, "file \"%s\": %s", base_name(path), strerror(errno));
        return errno == EEXIST ? PIVOT_EEXIST : PIVOT_EIO;
    }
    return 0;
}

/* The result is a zip that starts with the request. */
static int open_zip(csv_export *x, const char *path, const char *request, char *err, size_t errlen)
{
    zip_source_t *src = NULL;
    zip_int64_t index;
    char *copy = strdup(request);
    int zerr = 0, rc = 0;

    if (copy == NULL) {
        rc = out_of_memory(base_name(path), err, errlen);
        goto out;
    }
    x->zip = zip_open(path, ZIP_CREATE | ZIP_EXCL, &zerr);
    if (x->zip == NULL) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, zerr);
        snprintf(err, errlen, "file \"%s\": %s", base_name(path), zip_error_strerror(&ze));
        zip_error_fini(&ze);
        rc = zerr == ZIP_ER_EXISTS ? PIVOT_EEXIST : PIVOT_EIO;
        goto out;
    }
    /* libzip frees the copy with the source. */
    src = zip_source_buffer(x->zip, copy, strlen(copy), 1);
    if (src == NULL) {
        rc = zip_failed(x->zip, "request.json", err, errlen);
        goto out;
    }
    copy = NULL;
    index = zip_file_add(x->zip, "request.json", src, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
        zip_source_free(src);
        rc = zip_failed(x->zip, "request.json", err, errlen);
        goto out;
    }
    rc = set_compression(x, index, "request.json", err, errlen);
out:
    free(copy);
    return rc;
}

int csv_open(const char *path, const pivot_export_info *info, void **out, char *err, size_t errlen)
{
    csv_export *x = calloc(1, sizeof(*x));
    const char *request = info->request_json != NULL ? info->request_json : "{}";
    int rc = 0;

    *out = NULL;
    if (x == NULL || (x->path = strdup(path)) == NULL) {
        rc = out_of_memory(base_name(path), err, errlen);
        goto out;
    }
    x->gzip_level = info->gzip_level <= 9 ? info->gzip_level : 9;
    rc = csv_job_style(info, &x->style, err, errlen);
    if (rc == 0)
        rc = csv_is_single(info) ? open_single(x, path, err, errlen)
                                 : open_zip(x, path, request, err, errlen);
    if (rc != 0)
        goto out;
    *out = x;
    x = NULL;
out:
    if (x != NULL)
        csv_close(x, NULL, NULL, 0);
    return rc;
}

/* Names the channel's entry, keeping it inside the archive's top level. */
static void entry_name(const char *channel, char *out, size_t len)
{
    snprintf(out, len, "%s.csv", channel);
    for (char *p = out; *p != '\0'; p++)
        if (*p == '/' || *p == '\\')
            *p = '_';
    if (out[0] == '.')
        out[0] = '_';
}

/* A nullable signal's `<name>_valid` column must not be another signal's. */
static int check_names(const pivot_channel_info *channel, const pivot_signal_info *signals,
                       const pivot_signal_detail *details, size_t nsignals, char *err,
                       size_t errlen)
{
    for (size_t i = 0; i < nsignals; i++) {
        size_t len = strlen(signals[i].name);

        for (size_t j = 0; details[i].nullable && j < nsignals; j++) {
            if (strncmp(signals[j].name, signals[i].name, len) != 0 ||
                strcmp(signals[j].name + len, VALID_SUFFIX) != 0)
                continue;
            snprintf(err, errlen,
                     "channel \"%s\" signal \"%s\": its null column would be \"%s\", which is "
                     "another signal; leave one of the two out of the request's signals",
                     channel->name, signals[i].name, signals[j].name);
            return PIVOT_EINVAL;
        }
    }
    return 0;
}

static int put_header(csv_export *x, const pivot_signal_info *signals)
{
    const csv_style *st = &x->style;
    char head[32];
    int rc;

    snprintf(head, sizeof(head), "time_ns%ctime", st->delimiter);
    rc = csv_put(&x->text, head, strlen(head));
    for (size_t i = 0; rc == 0 && i < x->nsignals; i++) {
        rc = csv_put(&x->text, &st->delimiter, 1);
        if (rc == 0)
            rc = csv_put_field(&x->text, st, signals[i].name);
        if (rc == 0 && x->details[i].nullable) {
            rc = csv_put(&x->text, &st->delimiter, 1);
            if (rc == 0)
                rc = csv_put_field(&x->text, st, signals[i].name);
            if (rc == 0)
                rc = csv_put(&x->text, VALID_SUFFIX, sizeof(VALID_SUFFIX) - 1);
        }
    }
    return rc == 0 ? csv_put(&x->text, "\r\n", 2) : rc;
}

static int open_part(csv_export *x, char *err, size_t errlen)
{
    size_t len = strlen(x->path) + 32;
    char *name = malloc(len), **grown;

    grown = realloc(x->parts, (x->nparts + 1) * sizeof(*x->parts));
    if (name == NULL || grown == NULL) {
        free(name);
        return out_of_memory(x->channel, err, errlen);
    }
    x->parts = grown;
    snprintf(name, len, "%s.%zu.part", x->path, x->nparts);
    x->part = fopen(name, "wbx");
    if (x->part == NULL) {
        snprintf(err, errlen, "channel \"%s\": cannot create its part file: %s", x->channel,
                 strerror(errno));
        free(name);
        return PIVOT_EIO;
    }
    x->parts[x->nparts++] = name;
    return 0;
}

int csv_begin_channel(void *exp, const pivot_channel_info *channel,
                      const pivot_signal_info *signals, size_t nsignals, char *err, size_t errlen)
{
    csv_export *x = exp;
    const int has = channel->details != NULL && channel->nsignals == nsignals;
    int rc = 0;

    if (x->part != NULL) {
        snprintf(err, errlen, "channel \"%s\": begun before channel \"%s\" ended", channel->name,
                 x->channel);
        return PIVOT_EINVAL;
    }
    x->channel = strdup(channel->name);
    x->details = calloc(nsignals ? nsignals : 1, sizeof(*x->details));
    if (x->channel == NULL || x->details == NULL) {
        rc = out_of_memory(channel->name, err, errlen);
        goto out;
    }
    x->nsignals = nsignals;
    for (size_t i = 0; i < nsignals; i++)
        pivot_signal_detail_read(has ? channel->details[i] : NULL, &x->details[i]);
    rc = check_names(channel, signals, x->details, nsignals, err, errlen);
    if (rc == 0 && x->single != NULL && x->channels_begun > 0) {
        snprintf(err, errlen, "channel \"%s\": a bare CSV file holds one channel", channel->name);
        rc = PIVOT_EINVAL;
    } else if (rc == 0 && x->single != NULL) {
        x->part = x->single;
    } else if (rc == 0) {
        rc = open_part(x, err, errlen);
    }
    if (rc == 0)
        x->channels_begun++;
    if (rc == 0 && put_header(x, signals) != 0)
        rc = out_of_memory(channel->name, err, errlen);
out:
    if (rc != 0)
        release_channel(x);
    return rc;
}

static int flush_text(csv_export *x, char *err, size_t errlen)
{
    int rc = 0;

    if (x->text.len > 0 && fwrite(x->text.data, 1, x->text.len, x->part) != x->text.len) {
        snprintf(err, errlen, "channel \"%s\": writing its part file: %s", x->channel,
                 strerror(errno));
        rc = PIVOT_EIO;
    }
    x->text.len = 0;
    return rc;
}

/* One row: time, then each signal (empty when null) and a nullable one's 1/0. */
static int put_row(csv_export *x, const pivot_batch *batch, size_t i)
{
    const csv_style *st = &x->style;
    int rc = csv_put_time(&x->text, st, batch->time[i]);

    for (size_t c = 0; rc == 0 && c < x->nsignals; c++) {
        const pivot_column *col = &batch->columns[c];
        const uint8_t *valid = x->details[c].nullable && batch->valid ? batch->valid[c] : NULL;
        const int has_value = valid == NULL || valid[i] != 0;

        rc = csv_put(&x->text, &st->delimiter, 1);
        if (rc == 0 && has_value)
            rc = csv_put_value(&x->text, st, col->type, &x->details[c], col->data, i);
        if (rc == 0 && x->details[c].nullable) {
            char flag[2] = {st->delimiter, has_value ? '1' : '0'};
            rc = csv_put(&x->text, flag, 2);
        }
    }
    return rc == 0 ? csv_put(&x->text, "\r\n", 2) : rc;
}

int csv_append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    csv_export *x = exp;
    int rc = 0;

    if (x->part == NULL || batch->ncolumns != x->nsignals) {
        snprintf(err, errlen, "batch of %zu columns outside of a channel of %zu signals",
                 batch->ncolumns, x->nsignals);
        return PIVOT_EINVAL;
    }
    for (size_t i = 0; rc == 0 && i < batch->count; i++) {
        rc = put_row(x, batch, i);
        if (rc == PIVOT_ERANGE)
            snprintf(err, errlen, "channel \"%s\": timestamp %lld cannot be written as a date",
                     x->channel, (long long)batch->time[i]);
        else if (rc != 0)
            rc = out_of_memory(x->channel, err, errlen);
        else if (x->text.len >= FLUSH_BYTES)
            rc = flush_text(x, err, errlen);
    }
    return rc;
}

int csv_end_channel(void *exp, const pivot_channel_summary *summary, char *err, size_t errlen)
{
    csv_export *x = exp;
    const char *part = x->nparts > 0 ? x->parts[x->nparts - 1] : NULL;
    char name[600];
    zip_source_t *src;
    zip_int64_t index;
    int rc;

    (void)summary;
    if (x->part == NULL) {
        snprintf(err, errlen, "channel ended without being begun");
        return PIVOT_EINVAL;
    }
    rc = flush_text(x, err, errlen);
    if (x->single != NULL)
        goto out; /* the file itself, closed with the export */
    if (rc == 0 && fclose(x->part) != 0) {
        snprintf(err, errlen, "channel \"%s\": closing its part file: %s", x->channel,
                 strerror(errno));
        rc = PIVOT_EIO;
    }
    x->part = NULL;
    if (rc != 0)
        goto out;
    entry_name(x->channel, name, sizeof(name));
    src = zip_source_file(x->zip, part, 0, -1);
    if (src == NULL) {
        rc = zip_failed(x->zip, name, err, errlen);
        goto out;
    }
    index = zip_file_add(x->zip, name, src, ZIP_FL_ENC_UTF_8);
    if (index < 0) {
        zip_source_free(src);
        rc = zip_failed(x->zip, name, err, errlen);
        goto out;
    }
    rc = set_compression(x, index, name, err, errlen);
out:
    release_channel(x);
    return rc;
}

int csv_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen)
{
    csv_export *x = exp;
    int rc = 0;

    if (x == NULL)
        return 0;
    release_channel(x);
    if (x->single != NULL && fclose(x->single) != 0 && summary != NULL) {
        snprintf(err, errlen, "file \"%s\": %s", base_name(x->path), strerror(errno));
        rc = PIVOT_EIO;
    }
    if (x->zip != NULL && summary != NULL) {
        /* libzip reads the parts and writes the archive now. */
        if (zip_close(x->zip) != 0) {
            rc = zip_failed(x->zip, "the archive", err, errlen);
            zip_discard(x->zip);
        }
    } else if (x->zip != NULL) {
        zip_discard(x->zip);
    }
    for (size_t i = 0; i < x->nparts; i++) {
        unlink(x->parts[i]);
        free(x->parts[i]);
    }
    free(x->parts);
    csv_buf_free(&x->text);
    free(x->path);
    free(x);
    return rc;
}
