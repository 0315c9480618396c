/*
 * The size of the csv result, for dry runs: the text a row takes with
 * typical widths of each value (they vary with the data, so this is a
 * model, not a bound), a header line per channel, and for a zip the
 * archive's headers and request.json. Entries deflated with
 * options.compression are counted at their text size (the host marks the
 * figure as an upper bound then). docs/api.md states the model.
 */
#include "csv_export.h"

#include <math.h>
#include <pivot/grammar.h>
#include <string.h>

/* A zip's local header (30) and central directory entry (46) per entry,
 * each with the name, and the end of central directory record (22). */
#define ZIP_ENTRY 76
#define ZIP_END 22

/* Characters a value typically takes: shortest round-trip floats have 15..17
 * significant digits plus sign, point and sometimes an exponent; integers
 * are counted at about the width of counters and codes. */
static uint64_t value_width(pivot_type type, const pivot_signal_detail *d, int precision)
{
    size_t longest = 0;

    switch (type) {
    case PIVOT_TYPE_FLOAT64:
        return precision == CSV_PRECISION_SHORTEST ? 19 : (uint64_t)precision + 3;
    case PIVOT_TYPE_FLOAT32:
        return precision == CSV_PRECISION_SHORTEST ? 11
                                                   : (uint64_t)(precision < 9 ? precision : 9) + 3;
    case PIVOT_TYPE_INT64:
        return 12;
    case PIVOT_TYPE_INT32:
        return 8;
    case PIVOT_TYPE_BOOL:
        return 5;
    case PIVOT_TYPE_ENUM:
        for (size_t k = 0; d->symbols != NULL && k < d->nsymbols; k++)
            if (d->symbols[k] != NULL && strlen(d->symbols[k]) > longest)
                longest = strlen(d->symbols[k]);
        return longest > 0 ? longest : 4;
    case PIVOT_TYPE_STRING:
        return 8;
    case PIVOT_TYPE_BYTES:
        return d->fixed_size > 0 ? 2 * (uint64_t)d->fixed_size : 16;
    }
    return 8;
}

/* `<ns>,<RFC 3339>`: the digits of the range's start, and the fraction that
 * the channel's sample spacing needs (rows over the range). */
static uint64_t time_width(const pivot_export_info *info, uint64_t rows)
{
    char text[PIVOT_RFC3339_SIZE];
    double span_s = (double)(info->requested.end_ns - info->requested.start_ns) / 1e9;
    uint64_t width = 0, fraction = 0;
    int64_t t = info->requested.start_ns;

    if (pivot_rfc3339_format(t - t % 1000000000, text, sizeof(text)) == 0)
        width = strlen(text);
    for (width += 2; t >= 10 || t <= -10; t /= 10)
        width++;
    if (rows > 0 && span_s > 0 && (double)rows / span_s > 1)
        fraction = 1 + (uint64_t)ceil(log10((double)rows / span_s));
    return width + (fraction > 10 ? 10 : fraction);
}

int csv_estimate(const pivot_export_info *info, const pivot_estimate_channel *const *channels,
                 size_t nchannels, uint64_t *bytes, char *err, size_t errlen)
{
    const int single = csv_is_single(info);
    csv_style style;
    uint64_t total = 0;
    int rc = csv_job_style(info, &style, err, errlen);

    if (rc != 0)
        return rc;
    if (!single)
        total = ZIP_END + ZIP_ENTRY + strlen("request.json") +
                (info->request_json != NULL ? strlen(info->request_json) : 2);
    for (size_t i = 0; i < nchannels; i++) {
        const pivot_channel_info *ch = channels[i]->channel;
        uint64_t row = time_width(info, channels[i]->rows) + 2, header = strlen("time_ns,time") + 2;

        for (size_t k = 0; k < ch->nsignals; k++) {
            pivot_signal_detail d;
            pivot_signal_detail_read(ch->details[k], &d);
            row += 1 + value_width(ch->signals[k].type, &d, style.precision);
            header += 1 + strlen(ch->signals[k].name);
            if (d.nullable) {
                row += 2;
                header += 2 + strlen(ch->signals[k].name) + strlen("_valid");
            }
        }
        total += header + row * channels[i]->rows;
        if (!single)
            total += ZIP_ENTRY + 2 * (strlen(ch->name) + strlen(".csv"));
    }
    *bytes = total;
    return 0;
}
