/*
 * The size of the file the exporter would write, for dry runs: every column
 * is a chunked dataset whose chunks are allocated whole, plus a fixed cost
 * per file, channel and dataset. Pure arithmetic on what the host tells
 * (no HDF5 call: the serial library is not thread-safe, and this runs on
 * the server's HTTP threads); it follows the choices of column.c and
 * signal_type.c, whose helpers it shares.
 */
#include "hdf5_export.h"

/* Fixed costs measured on files this exporter wrote: superblock and root
 * attributes, a channel group with its attributes, a dataset's object
 * header, attributes and chunk index. */
#define FILE_OVERHEAD 8192
#define CHANNEL_OVERHEAD 2048
#define DATASET_OVERHEAD 1024

/* A variable-length element (bytes) is stored as a 16-byte descriptor in
 * its chunk and its content as an object of the global heap: a 16-byte
 * header and the content padded to 8 bytes, counted as 8 bytes. A string
 * is counted as a row of 8 bytes of a character array (string_column.h), as
 * labels and codes are usually short, plus the `string8` dimension's
 * dataset once per channel. */
#define VARIABLE_DESCRIPTOR 16
#define VARIABLE_HEAP (16 + 8)
#define STRING_ROW 8

/* How one element of a dataset is stored. */
typedef struct element_layout {
    uint64_t bytes; /* in the chunks: the file type's size, by which chunks are sized */
    uint64_t heap;  /* outside the chunks: variable-length content */
} element_layout;

static element_layout plain(uint64_t bytes)
{
    element_layout e = {bytes, 0};
    return e;
}

/* The file type signal_type.c picks for a signal, by its size. */
static element_layout element_of(pivot_type t, const pivot_signal_detail *d)
{
    const element_layout variable = {VARIABLE_DESCRIPTOR, VARIABLE_HEAP};

    switch (t) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_FLOAT32:
        return plain(4);
    case PIVOT_TYPE_BOOL:
        return plain(1);
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
        return plain(8);
    case PIVOT_TYPE_ENUM:
        return plain(d->symbols != NULL && d->nsymbols > 0 ? hx_enum_bytes(d->nsymbols) : 4);
    case PIVOT_TYPE_STRING:
        return plain(STRING_ROW);
    case PIVOT_TYPE_BYTES:
        /* An opaque type of that size, or a sequence of uint8. */
        return d->fixed_size > 0 ? plain(d->fixed_size) : variable;
    }
    return plain(8);
}

/* Bytes of a dataset of n elements in chunks of per_chunk: whole chunks,
 * the content kept outside them, and its fixed cost. */
static uint64_t dataset_bytes(uint64_t n, element_layout e, uint64_t per_chunk)
{
    uint64_t chunks = (n + per_chunk - 1) / per_chunk;
    return DATASET_OVERHEAD + chunks * per_chunk * e.bytes + n * e.heap;
}

/* Bytes of the dataset of one exported signal and of its uint8 `.valid`
 * mask when it is nullable, chunked as the signal. */
static uint64_t signal_bytes(pivot_type type, const pivot_signal_detail *detail, uint64_t rows,
                             uint64_t chunk_size)
{
    element_layout e = element_of(type, detail);
    uint64_t per_chunk = hx_chunk_for(chunk_size, (size_t)e.bytes);
    uint64_t bytes = dataset_bytes(rows, e, per_chunk);

    if (detail->nullable)
        bytes += dataset_bytes(rows, plain(1), per_chunk);
    return bytes;
}

int hx_estimate(const pivot_export_info *info, const pivot_estimate_channel *const *channels,
                size_t nchannels, uint64_t *bytes, char *err, size_t errlen)
{
    uint64_t chunk_size = info->chunk_size, total = FILE_OVERHEAD;

    (void)err;
    (void)errlen;
    for (size_t i = 0; i < nchannels; i++) {
        const pivot_channel_info *ch = channels[i]->channel;
        uint64_t rows = channels[i]->rows;
        int strings = 0;

        total += CHANNEL_OVERHEAD +
                 dataset_bytes(rows, plain(8), hx_chunk_for(chunk_size, 8)); /* time */
        for (size_t k = 0; k < ch->nsignals; k++) {
            pivot_signal_detail detail;
            pivot_signal_detail_read(ch->details[k], &detail);
            total += signal_bytes(ch->signals[k].type, &detail, rows, chunk_size);
            strings |= ch->signals[k].type == PIVOT_TYPE_STRING;
        }
        if (strings)
            total += DATASET_OVERHEAD;
    }
    *bytes = total;
    return 0;
}
