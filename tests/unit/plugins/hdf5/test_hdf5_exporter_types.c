/*
 * The typed signals in the hdf5 exporter: enums, bytes (variable and
 * fixed size), nullable signals with their `.valid` masks and the attributes
 * taken from signal details, written over three batches and read back value
 * by value with the HDF5 C API. hdf5_exporter_types_check.py reads the same
 * files with h5py.
 *
 * usage: test_hdf5_exporter_types <path of hdf5.so> <output directory>
 */
#include "check.h"
#include "test_hdf5_exporter_host.h"
#include "test_hdf5_exporter_support.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

/* 2025-01-23T14:30:00Z */
#define T0 INT64_C(1737642600000000000)
#define STEP_NS INT64_C(1000000)
/* The last batch has no masks at all (batch->valid NULL): every sample has a value. */
static const size_t batch_sizes[] = {7, 1000, 18};
#define NSAMPLES 1025
#define LAST_BATCH_START 1007
#define NBIG 200
#define FIXED_SIZE 4
#define MAX_PAYLOAD 5

enum { MODE, CODE, BIG, PAYLOAD, HASH, COUNT, LABEL, SPEED, LEVEL, FLAG, NSIGNALS };

static const pivot_signal_info signals[NSIGNALS] = {
    [MODE] = {"mode", PIVOT_TYPE_ENUM},      [CODE] = {"code", PIVOT_TYPE_ENUM},
    [BIG] = {"big", PIVOT_TYPE_ENUM},        [PAYLOAD] = {"payload", PIVOT_TYPE_BYTES},
    [HASH] = {"hash", PIVOT_TYPE_BYTES},     [COUNT] = {"count", PIVOT_TYPE_INT32},
    [LABEL] = {"label", PIVOT_TYPE_STRING},  [SPEED] = {"speed", PIVOT_TYPE_FLOAT64},
    [LEVEL] = {"level", PIVOT_TYPE_FLOAT32}, [FLAG] = {"flag", PIVOT_TYPE_BOOL},
};

static const char *const modes[] = {"OFF", "IDLE", "RUN", "FAULT"};
/* Longer than a character array's row (32 bytes): variable-length strings. */
static const char *const labels[] = {"alpha, a label longer than thirty-two bytes", "\xce\xb2", ""};
static char big_names[NBIG][8];
static const char *big_symbols[NBIG];

static const pivot_signal_detail mode_detail = {
    .size = sizeof(pivot_signal_detail),
    .nsymbols = 4,
    .symbols = modes,
    .doc = "Operating mode",
    .source_type = "{\"type\":\"enum\",\"name\":\"Mode\",\"symbols\":[\"OFF\",\"IDLE\",\"RUN\","
                   "\"FAULT\"]}",
};
/* An enum whose source did not name the symbols: plain int32. */
static const pivot_signal_detail code_detail = {.size = sizeof(pivot_signal_detail)};
static pivot_signal_detail big_detail = {.size = sizeof(pivot_signal_detail), .nsymbols = NBIG};
static const pivot_signal_detail payload_detail = {.size = sizeof(pivot_signal_detail),
                                                   .source_type = "\"bytes\""};
static const pivot_signal_detail hash_detail = {
    .size = sizeof(pivot_signal_detail),
    .fixed_size = FIXED_SIZE,
    .source_type = "{\"type\":\"fixed\",\"name\":\"Hash\",\"size\":4}",
};
static const pivot_signal_detail count_detail = {.size = sizeof(pivot_signal_detail),
                                                 .nullable = 1,
                                                 .units = "1",
                                                 .doc = "Parts made",
                                                 .source_type = "[\"null\",\"int\"]"};
static const pivot_signal_detail label_detail = {.size = sizeof(pivot_signal_detail),
                                                 .nullable = 1};
static const pivot_signal_detail speed_detail = {.size = sizeof(pivot_signal_detail),
                                                 .nullable = 1,
                                                 .units = "m/s",
                                                 .doc = "Vehicle speed",
                                                 .source_type = "[\"null\",\"double\"]"};
static const pivot_signal_detail level_detail = {.size = sizeof(pivot_signal_detail),
                                                 .nullable = 1};
static const pivot_signal_detail *const details[NSIGNALS] = {
    [MODE] = &mode_detail,   [CODE] = &code_detail,
    [BIG] = &big_detail,     [PAYLOAD] = &payload_detail,
    [HASH] = &hash_detail,   [COUNT] = &count_detail,
    [LABEL] = &label_detail, [SPEED] = &speed_detail,
    [LEVEL] = &level_detail, [FLAG] = NULL, /* no detail: never null, nothing known */
};

/* The expected value of every signal at sample i. */
static int32_t mode_at(size_t i)
{
    return (int32_t)(i % 4);
}
static int32_t code_at(size_t i)
{
    return (int32_t)i * 7 - 500;
}
static int32_t big_at(size_t i)
{
    return (int32_t)(i * 13 % NBIG);
}
static size_t payload_len(size_t i)
{
    return i % (MAX_PAYLOAD + 1);
}
static uint8_t payload_byte(size_t i, size_t k)
{
    return (uint8_t)(i * 31 + k * 7);
}
static uint8_t hash_byte(size_t i, size_t k)
{
    return (uint8_t)(((uint32_t)i * UINT32_C(2654435761)) >> (8 * k));
}
static int count_null(size_t i)
{
    return i < LAST_BATCH_START && i % 3 == 1;
}
static int label_null(size_t i)
{
    return i < LAST_BATCH_START && i % 4 == 2;
}
static int speed_null(size_t i)
{
    return i < LAST_BATCH_START && i % 5 == 0;
}
static int32_t count_at(size_t i)
{
    return count_null(i) ? 0 : (int32_t)i * 5 - 1000;
}
static const char *label_at(size_t i)
{
    return label_null(i) ? "" : labels[i % 3];
}
static double speed_at(size_t i)
{
    return speed_null(i) ? NAN : (double)i * 0.25;
}
static float level_at(size_t i)
{
    return (float)i * 0.5f;
}

typedef struct typed_batch {
    int64_t time[1000];
    int32_t mode[1000], code[1000], big[1000], count[1000];
    pivot_bytes payload[1000], hash[1000];
    uint8_t payload_data[1000][MAX_PAYLOAD], hash_data[1000][FIXED_SIZE];
    const char *label[1000];
    double speed[1000];
    float level[1000];
    uint8_t flag[1000];
    uint8_t count_valid[1000], label_valid[1000], speed_valid[1000];
    const uint8_t *valid[NSIGNALS];
    pivot_column columns[NSIGNALS];
    pivot_batch batch;
} typed_batch;

static void fill_batch(typed_batch *b, size_t first, size_t n)
{
    const void *data[NSIGNALS] = {
        [MODE] = b->mode,   [CODE] = b->code,   [BIG] = b->big,     [PAYLOAD] = b->payload,
        [HASH] = b->hash,   [COUNT] = b->count, [LABEL] = b->label, [SPEED] = b->speed,
        [LEVEL] = b->level, [FLAG] = b->flag,
    };

    for (size_t k = 0; k < n; k++) {
        size_t i = first + k;

        b->time[k] = T0 + (int64_t)i * STEP_NS;
        b->mode[k] = mode_at(i);
        b->code[k] = code_at(i);
        b->big[k] = big_at(i);
        for (size_t j = 0; j < payload_len(i); j++)
            b->payload_data[k][j] = payload_byte(i, j);
        /* A zero-length element may have no data at all. */
        b->payload[k].data = payload_len(i) > 0 ? b->payload_data[k] : NULL;
        b->payload[k].len = payload_len(i);
        for (size_t j = 0; j < FIXED_SIZE; j++)
            b->hash_data[k][j] = hash_byte(i, j);
        b->hash[k].data = b->hash_data[k];
        b->hash[k].len = FIXED_SIZE;
        b->count[k] = count_at(i);
        b->label[k] = label_at(i);
        b->speed[k] = speed_at(i);
        b->level[k] = level_at(i);
        b->flag[k] = i % 2;
        b->count_valid[k] = !count_null(i);
        b->label_valid[k] = !label_null(i);
        b->speed_valid[k] = !speed_null(i);
    }
    for (size_t c = 0; c < NSIGNALS; c++) {
        b->columns[c].name = signals[c].name;
        b->columns[c].type = signals[c].type;
        b->columns[c].data = data[c];
        b->valid[c] = NULL;
    }
    /* level is nullable but its column never has a mask: all samples valid. */
    b->valid[COUNT] = b->count_valid;
    b->valid[LABEL] = b->label_valid;
    b->valid[SPEED] = b->speed_valid;
    b->batch.size = sizeof(b->batch);
    b->batch.count = n;
    b->batch.time = b->time;
    b->batch.ncolumns = NSIGNALS;
    b->batch.columns = b->columns;
    b->batch.valid = first >= LAST_BATCH_START ? NULL : b->valid;
}

static const pivot_channel_info typed = {
    .size = sizeof(pivot_channel_info),
    .name = "typed",
    .nsignals = NSIGNALS,
    .signals = signals,
    .details = details,
};

static void write_typed(const pivot_exporter *e, const char *path, unsigned gzip, uint64_t chunk)
{
    static typed_batch b;
    pivot_export_info info = tx_export_info("job-types", T0, T0 + NSAMPLES * STEP_NS);
    const pivot_channel_summary csum = {
        sizeof(csum), NSAMPLES, {T0, T0 + (NSAMPLES - 1) * STEP_NS + 1}};
    const pivot_export_summary sum = {sizeof(sum), NSAMPLES, 1, csum.actual};
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;
    size_t first = 0;

    info.gzip_level = gzip;
    info.chunk_size = chunk;
    unlink(path);
    CHECK_INT_EQ(e->open(path, &info, &exp, err, sizeof(err)), 0);
    if (exp == NULL)
        return;
    CHECK_INT_EQ(e->begin_channel(exp, &typed, signals, NSIGNALS, err, sizeof(err)), 0);
    for (size_t i = 0; i < sizeof(batch_sizes) / sizeof(batch_sizes[0]); i++) {
        fill_batch(&b, first, batch_sizes[i]);
        CHECK_INT_EQ(e->append(exp, &b.batch, err, sizeof(err)), 0);
        first += batch_sizes[i];
    }
    CHECK_INT_EQ(first, NSAMPLES);
    CHECK_INT_EQ(e->end_channel(exp, &csum, err, sizeof(err)), 0);
    CHECK_INT_EQ(e->close(exp, &sum, err, sizeof(err)), 0);
    if (err[0] != '\0')
        fprintf(stderr, "%s: %s\n", path, err);
}

/* An enum dataset over base whose members are symbols[i] = i, and its values and fill. */
static void check_enum(hid_t g, const char *name, const char *const *symbols, int nsymbols,
                       hid_t base, int32_t (*expected)(size_t))
{
    static int32_t values[NSAMPLES];
    hid_t t = tx_dataset_type(g, name);
    hid_t super = H5Tget_super(t);
    hid_t mem = H5Tenum_create(H5T_NATIVE_INT32);
    hid_t fill = H5Aopen_by_name(g, name, "fill_value", H5P_DEFAULT, H5P_DEFAULT);
    hid_t fill_type = H5Aget_type(fill);
    int32_t fill_value = -1;
    int bad = 0;

    CHECK_INT_EQ(H5Tget_class(t), H5T_ENUM);
    CHECK_INT_EQ(H5Tequal(super, base), 1);
    CHECK_INT_EQ(H5Tget_nmembers(t), nsymbols);
    for (int i = 0; i < nsymbols && H5Tget_nmembers(t) == nsymbols; i++) {
        char *member = H5Tget_member_name(t, (unsigned)i);
        int64_t value = 0;

        /* The member's value in the base type's layout, widened. */
        H5Tget_member_value(t, (unsigned)i, &value);
        H5Tconvert(base, H5T_NATIVE_INT64, 1, &value, NULL, H5P_DEFAULT);
        bad += member == NULL || strcmp(member, symbols[i]) != 0 || value != i;
        H5free_memory(member);
    }
    CHECK_INT_EQ(bad, 0);
    /* Read back through an enum over native int32 with the same members: HDF5 maps by name. */
    for (int32_t i = 0; i < nsymbols; i++)
        H5Tenum_insert(mem, symbols[i], &i);
    CHECK_INT_EQ(tx_dataset_read(g, name, mem, values, NSAMPLES), 0);
    bad = 0;
    for (size_t i = 0; i < NSAMPLES; i++)
        bad += values[i] != expected(i);
    CHECK_INT_EQ(bad, 0);
    /* fill_value: the first symbol, in the dataset's own enum type. */
    CHECK_INT_EQ(H5Tequal(fill_type, t), 1);
    CHECK_INT_EQ(H5Aread(fill, mem, &fill_value), 0);
    CHECK_INT_EQ(fill_value, 0);
    CHECK_STR_EQ(tx_attr_text(g, name, "source_type"), "enum");
    H5Tclose(fill_type);
    H5Aclose(fill);
    H5Tclose(mem);
    H5Tclose(super);
    H5Tclose(t);
}

static void check_enums(hid_t g)
{
    static int32_t values[NSAMPLES];
    hid_t t = tx_dataset_type(g, "code");
    int bad = 0;

    check_enum(g, "mode", modes, 4, H5T_STD_I8LE, mode_at);
    check_enum(g, "big", big_symbols, NBIG, H5T_STD_I16LE, big_at);
    CHECK_STR_EQ(tx_attr_text(g, "mode", "description"), "Operating mode");
    CHECK_STR_EQ(tx_attr_text(g, "mode", "avro_type"), mode_detail.source_type);
    CHECK_INT_EQ(tx_attr_exists(g, "mode", "units"), 0);
    /* source_type, fill_value, description, avro_type, DIMENSION_LIST */
    CHECK_INT_EQ(tx_attr_count(g, "mode"), 5);
    CHECK_INT_EQ(tx_attr_count(g, "big"), 3);

    /* Without symbols: int32 indices as they came. */
    CHECK_INT_EQ(H5Tequal(t, H5T_STD_I32LE), 1);
    H5Tclose(t);
    CHECK_INT_EQ(tx_dataset_read(g, "code", H5T_NATIVE_INT32, values, NSAMPLES), 0);
    for (size_t i = 0; i < NSAMPLES; i++)
        bad += values[i] != code_at(i);
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(tx_attr_type_is(g, "code", "fill_value", H5T_STD_I32LE), 1);
    CHECK_STR_EQ(tx_attr_text(g, "code", "source_type"), "enum");
    CHECK_INT_EQ(tx_attr_count(g, "code"), 3);
}

static void check_payload(hid_t g)
{
    static hvl_t seq[NSAMPLES];
    const hsize_t n = NSAMPLES;
    hid_t t = tx_dataset_type(g, "payload");
    hid_t super = H5Tget_super(t);
    hid_t mem = H5Tvlen_create(H5T_NATIVE_UINT8);
    hid_t space = H5Screate_simple(1, &n, NULL);
    int bad = 0;

    CHECK_INT_EQ(H5Tget_class(t), H5T_VLEN);
    CHECK_INT_EQ(H5Tequal(super, H5T_STD_U8LE), 1);
    CHECK_INT_EQ(tx_dataset_read(g, "payload", mem, seq, NSAMPLES), 0);
    for (size_t i = 0; i < NSAMPLES; i++) {
        const uint8_t *p = seq[i].p;

        bad += seq[i].len != payload_len(i);
        for (size_t k = 0; k < seq[i].len && k < payload_len(i); k++)
            bad += p[k] != payload_byte(i, k);
    }
    CHECK_INT_EQ(bad, 0);
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, seq);
    CHECK_STR_EQ(tx_attr_text(g, "payload", "source_type"), "bytes");
    CHECK_STR_EQ(tx_attr_text(g, "payload", "avro_type"), "\"bytes\"");
    /* Bytes have no fill_value attribute: source_type, avro_type, DIMENSION_LIST. */
    CHECK_INT_EQ(tx_attr_exists(g, "payload", "fill_value"), 0);
    CHECK_INT_EQ(tx_attr_count(g, "payload"), 3);
    H5Sclose(space);
    H5Tclose(mem);
    H5Tclose(super);
    H5Tclose(t);
}

static void check_hash(hid_t g)
{
    static uint8_t bytes[NSAMPLES][FIXED_SIZE];
    hid_t t = tx_dataset_type(g, "hash");
    char *tag = H5Tget_tag(t);
    int bad = 0;

    CHECK_INT_EQ(H5Tget_class(t), H5T_OPAQUE);
    CHECK_INT_EQ(H5Tget_size(t), FIXED_SIZE);
    /* Untagged, which h5py needs to read it as numpy.void. */
    CHECK_STR_EQ(tag, "");
    H5free_memory(tag);
    CHECK_INT_EQ(tx_dataset_read(g, "hash", t, bytes, NSAMPLES), 0);
    for (size_t i = 0; i < NSAMPLES; i++)
        for (size_t k = 0; k < FIXED_SIZE; k++)
            bad += bytes[i][k] != hash_byte(i, k);
    CHECK_INT_EQ(bad, 0);
    CHECK_STR_EQ(tx_attr_text(g, "hash", "avro_type"), hash_detail.source_type);
    CHECK_INT_EQ(tx_attr_count(g, "hash"), 3);
    H5Tclose(t);
}

/*
 * The mask of a nullable signal: uint8 1/0 as null_at says, chunked and
 * filtered like the signal, with its flags and the time scale.
 */
static void check_mask(hid_t g, const char *name, int (*null_at)(size_t))
{
    static uint8_t mask[NSAMPLES];
    char mask_name[64];
    hsize_t chunk = 0, mask_chunk = 1;
    int nfilters = -1, mask_nfilters = -2;
    int64_t flags[4] = {-1, -1, -1, -1};
    size_t nflags = 0;
    hid_t t;
    int bad = 0;

    snprintf(mask_name, sizeof(mask_name), "%s.valid", name);
    CHECK_STR_EQ(tx_attr_text(g, name, "valid_mask"), mask_name);
    t = tx_dataset_type(g, mask_name);
    CHECK_INT_EQ(H5Tequal(t, H5T_STD_U8LE), 1);
    H5Tclose(t);
    CHECK_INT_EQ(tx_dataset_length(g, mask_name), NSAMPLES);
    CHECK_INT_EQ(tx_dataset_read(g, mask_name, H5T_NATIVE_UINT8, mask, NSAMPLES), 0);
    for (size_t i = 0; i < NSAMPLES; i++)
        bad += mask[i] != (null_at != NULL && null_at(i) ? 0 : 1);
    CHECK_INT_EQ(bad, 0);
    CHECK_INT_EQ(tx_dataset_layout(g, name, &chunk, &nfilters), 0);
    CHECK_INT_EQ(tx_dataset_layout(g, mask_name, &mask_chunk, &mask_nfilters), 0);
    CHECK_INT_EQ(mask_chunk, chunk);
    CHECK_INT_EQ(mask_nfilters, nfilters);
    CHECK_INT_EQ(tx_attr_type_is(g, mask_name, "flag_values", H5T_STD_U8LE), 1);
    CHECK_INT_EQ(tx_attr_int64s(g, mask_name, "flag_values", flags, 4, &nflags), 0);
    CHECK_INT_EQ(nflags, 2);
    CHECK_INT_EQ(flags[0], 0);
    CHECK_INT_EQ(flags[1], 1);
    CHECK_STR_EQ(tx_attr_text(g, mask_name, "flag_meanings"), "null valid");
    CHECK_INT_EQ(tx_attr_count(g, mask_name), 3);
    CHECK_INT_EQ(tx_scale_attached(g, mask_name, "time"), 1);
}

static void check_nullables(hid_t g)
{
    static int32_t counts[NSAMPLES];
    static char *texts[NSAMPLES];
    static double speeds[NSAMPLES];
    static float levels[NSAMPLES];
    const hsize_t n = NSAMPLES;
    hid_t str = H5Tcopy(H5T_C_S1);
    hid_t space = H5Screate_simple(1, &n, NULL);
    int bad = 0;

    check_mask(g, "count", count_null);
    check_mask(g, "label", label_null);
    check_mask(g, "speed", speed_null);
    check_mask(g, "level", NULL);
    CHECK_INT_EQ(tx_dataset_read(g, "count", H5T_NATIVE_INT32, counts, NSAMPLES), 0);
    CHECK_INT_EQ(tx_dataset_read(g, "speed", H5T_NATIVE_DOUBLE, speeds, NSAMPLES), 0);
    CHECK_INT_EQ(tx_dataset_read(g, "level", H5T_NATIVE_FLOAT, levels, NSAMPLES), 0);
    H5Tset_size(str, H5T_VARIABLE);
    H5Tset_cset(str, H5T_CSET_UTF8);
    CHECK_INT_EQ(tx_dataset_read(g, "label", str, texts, NSAMPLES), 0);
    for (size_t i = 0; i < NSAMPLES; i++) {
        bad += counts[i] != count_at(i);
        bad += speed_null(i) ? !isnan(speeds[i]) : speeds[i] != speed_at(i);
        bad += levels[i] != level_at(i);
        bad += texts[i] == NULL || strcmp(texts[i], label_at(i)) != 0;
    }
    CHECK_INT_EQ(bad, 0);
    H5Dvlen_reclaim(str, space, H5P_DEFAULT, texts);
    CHECK_STR_EQ(tx_attr_text(g, "count", "units"), "1");
    CHECK_STR_EQ(tx_attr_text(g, "count", "description"), "Parts made");
    CHECK_STR_EQ(tx_attr_text(g, "count", "avro_type"), "[\"null\",\"int\"]");
    CHECK_STR_EQ(tx_attr_text(g, "speed", "units"), "m/s");
    CHECK_STR_EQ(tx_attr_text(g, "speed", "description"), "Vehicle speed");
    CHECK_STR_EQ(tx_attr_text(g, "speed", "avro_type"), "[\"null\",\"double\"]");
    CHECK_STR_EQ(tx_attr_text(g, "label", "fill_value"), "");
    /* source_type, fill_value, units, description, avro_type, valid_mask, DIMENSION_LIST */
    CHECK_INT_EQ(tx_attr_count(g, "count"), 7);
    CHECK_INT_EQ(tx_attr_count(g, "speed"), 7);
    /* source_type, fill_value, valid_mask, DIMENSION_LIST */
    CHECK_INT_EQ(tx_attr_count(g, "label"), 4);
    CHECK_INT_EQ(tx_attr_count(g, "level"), 4);
    /* No detail at all: a plain, never-null signal. */
    CHECK_INT_EQ(tx_attr_count(g, "flag"), 3);
    CHECK_INT_EQ(tx_attr_exists(g, "flag", "valid_mask"), 0);
    H5Sclose(space);
    H5Tclose(str);
}

/* Every dataset of the group, its length, chunk and filters, and its time scale. */
static void check_layout(hid_t g, hsize_t chunk_elements, int nfilters)
{
    static const struct {
        const char *name;
        hsize_t default_chunk; /* 128 KiB of the stored element (strings: 8-byte pointers) */
    } datasets[] = {
        {"time", 16384},   {"mode", 131072},       {"code", 32768},  {"big", 65536},
        {"payload", 8192}, {"hash", 32768},        {"count", 32768}, {"count.valid", 32768},
        {"label", 16384},  {"label.valid", 16384}, {"speed", 16384}, {"speed.valid", 16384},
        {"level", 32768},  {"level.valid", 32768}, {"flag", 131072},
    };
    const size_t n = sizeof(datasets) / sizeof(datasets[0]);
    H5G_info_t info;

    CHECK_INT_EQ(H5Gget_info(g, &info), 0);
    CHECK_INT_EQ(info.nlinks, n);
    for (size_t i = 0; i < n; i++) {
        hsize_t chunk = 0;
        int filters = -1;

        CHECK_INT_EQ(tx_dataset_length(g, datasets[i].name), NSAMPLES);
        CHECK_INT_EQ(tx_dataset_layout(g, datasets[i].name, &chunk, &filters), 0);
        CHECK_INT_EQ(chunk, chunk_elements > 0 ? chunk_elements : datasets[i].default_chunk);
        CHECK_INT_EQ(filters, nfilters);
        if (i > 0)
            CHECK_INT_EQ(tx_scale_attached(g, datasets[i].name, "time"), 1);
    }
}

static void check_typed(const char *path, hsize_t chunk_elements, int nfilters)
{
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    hid_t g = file >= 0 ? H5Gopen2(file, "typed", H5P_DEFAULT) : H5I_INVALID_HID;

    CHECK(g >= 0);
    if (g < 0)
        goto out;
    check_layout(g, chunk_elements, nfilters);
    check_enums(g);
    check_payload(g);
    check_hash(g);
    check_nullables(g);
    H5Gclose(g);
out:
    if (file >= 0)
        H5Fclose(file);
}

int main(int argc, char **argv)
{
    const pivot_exporter *e;
    char path[4096];

    if (argc != 3) {
        fprintf(stderr, "usage: %s <hdf5.so> <output directory>\n", argv[0]);
        return 2;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    for (size_t i = 0; i < NBIG; i++) {
        snprintf(big_names[i], sizeof(big_names[i]), "S%03zu", i);
        big_symbols[i] = big_names[i];
    }
    big_detail.symbols = big_symbols;
    e = tx_load_exporter(argv[1]);
    CHECK(e != NULL);
    if (e == NULL)
        return check_report();

    snprintf(path, sizeof(path), "%s/typed.h5", argv[2]);
    write_typed(e, path, 0, 0);
    check_typed(path, 0, 0);
    /* Masks follow the signal's chunking and compression. */
    snprintf(path, sizeof(path), "%s/typed_gzip.h5", argv[2]);
    write_typed(e, path, 4, 100);
    check_typed(path, 100, 2);
    return check_report();
}
