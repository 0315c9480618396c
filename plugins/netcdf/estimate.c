/*
 * The size of the netCDF-4 file, for dry runs: an HDF5 file underneath,
 * each variable chunked as nx_var_storage chunks it (about 128 KiB, or
 * options.chunk_size elements) with chunks allocated whole, strings as
 * character arrays of 8-byte rows (string_var.c: labels are usually short;
 * the lengths are unknown before the export) plus their own dimension,
 * bytes as 16-byte descriptors plus their content on the global heap
 * (counted as 8 bytes), and fixed costs per
 * file, group, variable and chunk measured on files this exporter wrote. Pure
 * arithmetic, without libnetcdf: it runs on the server's HTTP threads.
 */
#include "nc_export.h"

#define FILE_OVERHEAD 12288
#define GROUP_OVERHEAD 2048
#define VARIABLE_OVERHEAD 1536
/* As export_channel.c sizes chunks. */
#define CHUNK_BYTES (128 * 1024)
/* A variable-length element in its chunk, and its content on the heap. */
#define VLEN_DESCRIPTOR 16
#define VLEN_HEAP (16 + 8)
/* A string's character array: 8-byte rows, and its `<name>_strlen` dimension's dataset. */
#define STRING_ROW 8
#define STRLEN_DIMENSION 1024
/* Each chunk after the first: its entry in the chunk index and, for
 * variable-length elements, the heap collection it starts. */
#define CHUNK_OVERHEAD 320

/* The variable's element size in the file, as signal_var.c picks its type. */
static uint64_t element_bytes(pivot_type t, const pivot_signal_detail *d)
{
    switch (t) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_FLOAT32:
        return 4;
    case PIVOT_TYPE_INT64:
    case PIVOT_TYPE_FLOAT64:
        return 8;
    case PIVOT_TYPE_BOOL:
        return 1;
    case PIVOT_TYPE_ENUM:
        if (d->symbols == NULL || d->nsymbols == 0)
            return 4;
        return d->nsymbols <= 128 ? 1 : d->nsymbols <= 32768 ? 2 : 4;
    case PIVOT_TYPE_STRING:
        return STRING_ROW;
    case PIVOT_TYPE_BYTES:
        break;
    }
    return VLEN_DESCRIPTOR;
}

/* A variable of n elements: whole chunks, heap content, fixed cost. libnetcdf
 * sizes chunks by the element in memory (a bytes value's descriptor). */
static uint64_t variable_bytes(uint64_t n, uint64_t element, int vlen, uint64_t in_memory,
                               uint64_t chunk_size)
{
    uint64_t per_chunk = chunk_size > 0 ? chunk_size : CHUNK_BYTES / in_memory;
    uint64_t chunks = (n + per_chunk - 1) / per_chunk;

    return VARIABLE_OVERHEAD + (chunks > 1 ? (chunks - 1) * CHUNK_OVERHEAD : 0) +
           chunks * per_chunk * element + (vlen ? n * VLEN_HEAP : 0);
}

int nx_estimate(const pivot_export_info *info, const pivot_estimate_channel *const *channels,
                size_t nchannels, uint64_t *bytes, char *err, size_t errlen)
{
    uint64_t total = FILE_OVERHEAD, chunk_size = info->chunk_size;

    (void)err;
    (void)errlen;
    for (size_t i = 0; i < nchannels; i++) {
        const pivot_channel_info *ch = channels[i]->channel;
        uint64_t rows = channels[i]->rows;

        total += GROUP_OVERHEAD + variable_bytes(rows, 8, 0, 8, chunk_size);
        for (size_t k = 0; k < ch->nsignals; k++) {
            pivot_signal_detail d;
            pivot_type t = ch->signals[k].type;
            uint64_t e;

            pivot_signal_detail_read(ch->details[k], &d);
            e = element_bytes(t, &d);
            total += variable_bytes(rows, e, t == PIVOT_TYPE_BYTES, e, chunk_size);
            if (t == PIVOT_TYPE_STRING)
                total += STRLEN_DIMENSION;
            if (d.nullable)
                total += variable_bytes(rows, 1, 0, 1, chunk_size);
        }
    }
    *bytes = total;
    return 0;
}
