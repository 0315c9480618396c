/* The avro type tests' harness; see test_avro_types_harness.h. */
#include "test_avro_types_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int default_expect(const th_check *c, const char *name, size_t i, tx_value *out)
{
    (void)c;
    return tx_expect(name, i, out);
}

static int check_batch(void *arg, const pivot_batch *b)
{
    th_check *c = arg;
    th_expect_fn expect = c->expect != NULL ? c->expect : default_expect;
    int any_nullable = 0;

    c->batches++;
    for (size_t k = 0; k < c->n; k++) {
        int masked = b->valid != NULL && b->valid[k] != NULL;
        any_nullable |= c->nullable[k];
        if (masked != c->nullable[k])
            c->bad_masks++;
    }
    /* No mask array at all when no requested signal is nullable. */
    if ((b->valid != NULL) != any_nullable || b->ncolumns != c->n)
        c->bad_masks++;
    if (b->ncolumns != c->n)
        return 1;
    for (size_t r = 0; r < b->count; r++, c->rows++) {
        size_t i = c->first + c->rows;

        if (b->time[r] != TX_TIME(i)) {
            if (c->bad_times++ == 0)
                fprintf(stderr, "sample %zu: time %lld, expected %lld\n", c->rows,
                        (long long)b->time[r], (long long)TX_TIME(i));
            continue;
        }
        for (size_t k = 0; k < c->n; k++) {
            tx_value want;
            if (expect(c, c->names[k], i, &want) != 0 ||
                !tx_check_element(&b->columns[k], b->valid != NULL ? b->valid[k] : NULL, r, &want))
                c->bad_values++;
        }
    }
    return 0;
}

static void on_warning(void *arg, const char *message)
{
    th_check *c = arg;

    c->warnings++;
    snprintf(c->warning, sizeof(c->warning), "%s", message);
}

int th_scan(void *ctx, const char *channel, int64_t start, int64_t end, th_check *c, char *err,
            size_t errlen)
{
    pivot_scan_sink sink = {sizeof(pivot_scan_sink), c, check_batch, on_warning};
    pivot_range range = {start, end};

    c->rows = c->bad_values = c->bad_times = c->bad_masks = 0;
    c->batches = c->warnings = 0;
    c->warning[0] = '\0';
    err[0] = '\0';
    return th_source->scan(ctx, channel, c->names, c->n, range, &sink, err, errlen);
}
