/*
 * The "csv_example" exporter, a teaching example: options.format
 * "csv_example" gives one CSV file of one channel (a job naming more is
 * failed with a message; the bundled "csv" format zips one file per channel):
 *
 *     time_ns,time,<signal>,<signal>...
 *     1735689600000000000,2025-01-01T00:00:00.000000000Z,0.0998...,...
 *
 * RFC 4180 text, CRLF line ends, UTF-8, a header row. time_ns is the exact
 * integer timestamp; time the same instant in RFC 3339 UTC. float64 values
 * have 17 significant digits and float32 values 9, which read back to the
 * same binary value; bool is true/false; strings are quoted when needed.
 */
#include "csv_row.h"

#include <pivot/plugin.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

PIVOT_PLUGIN_MAGIC("csv_export", "1.0.0");

#define PLUGIN_NAME "csv_export"
/* Rows are gathered into this much text before each write. */
#define FLUSH_BYTES (256 * 1024)

static const pivot_host *host;

/* One export in progress. */
typedef struct csv_export {
    FILE *file;
    int channels; /* channels begun so far: the file holds one */
    csv_buf text;
    /* The exported signals' details, borrowed until end_channel; NULL when absent. */
    const pivot_signal_detail *const *details;
} csv_export;

/* The detail of exported signal i, or NULL when the host gave none. */
static const pivot_signal_detail *detail_of(const csv_export *x, size_t i)
{
    return x->details != NULL ? x->details[i] : NULL;
}

/* True when sample i of column c is null: then the CSV field stays empty. */
static int is_null(const csv_export *x, const pivot_batch *batch, size_t c, size_t i)
{
    const pivot_signal_detail *d = detail_of(x, c);

    return d != NULL && d->nullable && batch->valid != NULL && batch->valid[c] != NULL &&
           batch->valid[c][i] == 0;
}

static int flush_text(csv_export *x, char *err, size_t errlen)
{
    int rc = 0;
    if (x->text.len > 0 && fwrite(x->text.data, 1, x->text.len, x->file) != x->text.len) {
        snprintf(err, errlen, "writing the CSV file failed: %s", strerror(errno));
        rc = PIVOT_EIO;
    }
    x->text.len = 0;
    return rc;
}

static int out_of_memory(char *err, size_t errlen)
{
    snprintf(err, errlen, "out of memory while formatting CSV rows");
    return PIVOT_ENOMEM;
}

static int csv_open(const char *path, const pivot_export_info *info, void **out, char *err,
                    size_t errlen)
{
    csv_export *x = calloc(1, sizeof(*x));

    (void)info;
    if (x == NULL)
        return out_of_memory(err, errlen);
    x->file = fopen(path, "wbx");
    if (x->file == NULL) {
        snprintf(err, errlen, "creating the CSV file failed: %s", strerror(errno));
        free(x);
        return PIVOT_EIO;
    }
    *out = x;
    return 0;
}

static int csv_begin_channel(void *exp, const pivot_channel_info *channel,
                             const pivot_signal_info *signals, size_t nsignals, char *err,
                             size_t errlen)
{
    csv_export *x = exp;
    int rc;

    if (x->channels++ > 0) {
        snprintf(err, errlen,
                 "this format writes one channel per file; export one channel "
                 "per job, or use the format \"csv\", which zips one file per channel");
        return PIVOT_EINVAL;
    }
    x->details =
        channel->details != NULL && channel->nsignals == nsignals ? channel->details : NULL;
    rc = csv_put(&x->text, "time_ns,time", 12);
    for (size_t i = 0; rc == 0 && i < nsignals; i++) {
        rc = csv_put(&x->text, ",", 1);
        if (rc == 0)
            rc = csv_put_field(&x->text, signals[i].name);
    }
    if (rc == 0)
        rc = csv_put(&x->text, "\r\n", 2);
    return rc != 0 ? out_of_memory(err, errlen) : 0;
}

static int csv_append(void *exp, const pivot_batch *batch, char *err, size_t errlen)
{
    csv_export *x = exp;
    int rc = 0;

    for (size_t i = 0; i < batch->count; i++) {
        rc = csv_put_time(&x->text, batch->time[i]);
        for (size_t c = 0; rc == 0 && c < batch->ncolumns; c++) {
            const pivot_column *col = &batch->columns[c];
            rc = csv_put(&x->text, ",", 1);
            if (rc == 0 && !is_null(x, batch, c, i))
                rc = csv_put_value(&x->text, col->type, detail_of(x, c), col->data, i);
        }
        if (rc == 0)
            rc = csv_put(&x->text, "\r\n", 2);
        if (rc == PIVOT_ERANGE) {
            snprintf(err, errlen, "timestamp %lld cannot be written as a date",
                     (long long)batch->time[i]);
            return rc;
        }
        if (rc != 0)
            return out_of_memory(err, errlen);
        if (x->text.len >= FLUSH_BYTES && (rc = flush_text(x, err, errlen)) != 0)
            return rc;
    }
    return 0;
}

static int csv_end_channel(void *exp, const pivot_channel_summary *summary, char *err,
                           size_t errlen)
{
    csv_export *x = exp;
    int rc = flush_text(x, err, errlen);
    (void)summary;
    x->details = NULL;
    return rc;
}

static int csv_close(void *exp, const pivot_export_summary *summary, char *err, size_t errlen)
{
    csv_export *x = exp;
    int rc = 0;

    /* Abandoned (NULL summary): the host removes the file, whatever it holds. */
    if (fclose(x->file) != 0 && summary != NULL) {
        snprintf(err, errlen, "closing the CSV file failed: %s", strerror(errno));
        rc = PIVOT_EIO;
    }
    if (summary != NULL) {
        if (rc == 0)
            host->log(PIVOT_LOG_DEBUG, PLUGIN_NAME, "wrote %u channel(s), %llu sample(s)",
                      (unsigned)summary->channels, (unsigned long long)summary->samples);
    }
    csv_buf_free(&x->text);
    free(x);
    return rc;
}

/* Designated members: those appended to the ABI later stay NULL. No
 * estimate: a dry run of this format gets the host's generic one. */
static const pivot_exporter csv_exporter = {
    .size = sizeof(pivot_exporter),
    .name = "csv_example",
    .extension = ".csv",
    .media_type = "text/csv",
    .open = csv_open,
    .begin_channel = csv_begin_channel,
    .append = csv_append,
    .end_channel = csv_end_channel,
    .close = csv_close,
};

int pivot_plugin_init(const pivot_host *h, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    host = h;
    return host->register_exporter(reg, &csv_exporter);
}
