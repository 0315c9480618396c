/* The every-type record and its formulas; see test_avro_types_fixture.h. */
#include "test_avro_types_fixture.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* time is not the first field; pos is a named record that nest.p2 refers to. */
const char *const tx_every_schema =
    "{\"type\":\"record\",\"name\":\"telemetry\",\"namespace\":\"speeddata.test\",\"fields\":["
    "{\"name\":\"i\",\"type\":\"int\",\"doc\":\"an int\",\"units\":\"count\"},"
    "{\"name\":\"time\",\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"},"
    "{\"name\":\"l\",\"type\":\"long\"},"
    "{\"name\":\"f\",\"type\":\"float\",\"unit\":\"V\"},"
    "{\"name\":\"d\",\"type\":\"double\",\"units\":\"m/s\",\"doc\":\"speed\"},"
    "{\"name\":\"b\",\"type\":\"boolean\"},"
    "{\"name\":\"s\",\"type\":\"string\"},"
    "{\"name\":\"mode\",\"doc\":\"operating mode\",\"type\":{\"type\":\"enum\",\"name\":\"Mode\","
    "\"symbols\":[\"IDLE\",\"RAMP\",\"HOLD\"]}},"
    "{\"name\":\"raw\",\"type\":\"bytes\"},"
    "{\"name\":\"id\",\"type\":{\"type\":\"fixed\",\"name\":\"Id4\",\"size\":4}},"
    "{\"name\":\"oi\",\"type\":[\"null\",\"int\"]},"
    "{\"name\":\"od\",\"type\":[\"double\",\"null\"]},"
    "{\"name\":\"os\",\"type\":[\"null\",\"string\"]},"
    "{\"name\":\"omode\",\"type\":[\"null\",\"Mode\"]},"
    "{\"name\":\"tags\",\"type\":{\"type\":\"array\",\"items\":\"int\"}},"
    "{\"name\":\"pos\",\"type\":{\"type\":\"record\",\"name\":\"Point\",\"fields\":["
    "{\"name\":\"x\",\"type\":\"double\",\"units\":\"m\"},{\"name\":\"y\",\"type\":\"double\"}]}},"
    "{\"name\":\"attrs\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
    "{\"name\":\"of\",\"type\":[\"float\",\"null\"]},"
    "{\"name\":\"ol\",\"type\":[\"null\",\"long\"]},"
    "{\"name\":\"ob\",\"type\":[\"null\",\"boolean\"]},"
    "{\"name\":\"obytes\",\"type\":[\"null\",\"bytes\"]},"
    "{\"name\":\"ofix\",\"type\":[\"null\",\"speeddata.test.Id4\"]},"
    "{\"name\":\"nest\",\"type\":{\"type\":\"record\",\"name\":\"Outer\",\"fields\":["
    "{\"name\":\"inner\",\"type\":{\"type\":\"record\",\"name\":\"Inner\",\"fields\":["
    "{\"name\":\"c\",\"type\":\"int\"}]}},"
    "{\"name\":\"p2\",\"type\":\"Point\"}]}}"
    "]}";

const tx_signal tx_every_signals[] = {
    {"i", PIVOT_TYPE_INT32, 0, "int", "count", "an int", 0, 0},
    {"l", PIVOT_TYPE_INT64, 0, "long", NULL, NULL, 0, 0},
    {"f", PIVOT_TYPE_FLOAT32, 0, "float", "V", NULL, 0, 0},
    {"d", PIVOT_TYPE_FLOAT64, 0, "double", "m/s", "speed", 0, 0},
    {"b", PIVOT_TYPE_BOOL, 0, "boolean", NULL, NULL, 0, 0},
    {"s", PIVOT_TYPE_STRING, 0, "string", NULL, NULL, 0, 0},
    {"mode", PIVOT_TYPE_ENUM, 0, "enum", NULL, "operating mode", 3, 0},
    {"raw", PIVOT_TYPE_BYTES, 0, "bytes", NULL, NULL, 0, 0},
    {"id", PIVOT_TYPE_BYTES, 0, "fixed(4)", NULL, NULL, 0, 4},
    {"oi", PIVOT_TYPE_INT32, 1, "union(null,int)", NULL, NULL, 0, 0},
    {"od", PIVOT_TYPE_FLOAT64, 1, "union(double,null)", NULL, NULL, 0, 0},
    {"os", PIVOT_TYPE_STRING, 1, "union(null,string)", NULL, NULL, 0, 0},
    {"omode", PIVOT_TYPE_ENUM, 1, "union(null,enum)", NULL, NULL, 3, 0},
    {"pos.x", PIVOT_TYPE_FLOAT64, 0, "double", "m", NULL, 0, 0},
    {"pos.y", PIVOT_TYPE_FLOAT64, 0, "double", NULL, NULL, 0, 0},
    {"of", PIVOT_TYPE_FLOAT32, 1, "union(float,null)", NULL, NULL, 0, 0},
    {"ol", PIVOT_TYPE_INT64, 1, "union(null,long)", NULL, NULL, 0, 0},
    {"ob", PIVOT_TYPE_BOOL, 1, "union(null,boolean)", NULL, NULL, 0, 0},
    {"obytes", PIVOT_TYPE_BYTES, 1, "union(null,bytes)", NULL, NULL, 0, 0},
    {"ofix", PIVOT_TYPE_BYTES, 1, "union(null,fixed(4))", NULL, NULL, 0, 4},
    {"nest.inner.c", PIVOT_TYPE_INT32, 0, "int", NULL, NULL, 0, 0},
    {"nest.p2.x", PIVOT_TYPE_FLOAT64, 0, "double", "m", NULL, 0, 0}, /* Point.x, by reference */
    {"nest.p2.y", PIVOT_TYPE_FLOAT64, 0, "double", NULL, NULL, 0, 0},
};
const size_t tx_every_nsignals = sizeof(tx_every_signals) / sizeof(tx_every_signals[0]);

void tx_every_names(const char **names, int *nullable)
{
    for (size_t k = 0; k < tx_every_nsignals; k++) {
        names[k] = tx_every_signals[k].name;
        nullable[k] = tx_every_signals[k].nullable;
    }
}

/* The formulas: one per signal, nulls on fixed residues. */
int tx_expect(const char *name, size_t i, tx_value *e)
{
    memset(e, 0, sizeof(*e));
    e->valid = 1;
    if (strcmp(name, "i") == 0) {
        e->n = (int32_t)(i * 2654435761u);
    } else if (strcmp(name, "l") == 0) {
        e->n = -(int64_t)i * 1000003LL * 1000003LL;
    } else if (strcmp(name, "f") == 0) {
        e->x = (float)i * 0.5f - 100.0f;
    } else if (strcmp(name, "d") == 0) {
        e->x = (double)i / 8.0;
    } else if (strcmp(name, "b") == 0) {
        e->n = i % 3 == 0;
    } else if (strcmp(name, "s") == 0) {
        if (i % 5 != 0)
            snprintf(e->s, sizeof(e->s), "s%zu", i);
    } else if (strcmp(name, "mode") == 0) {
        e->n = (int64_t)(i % 3);
    } else if (strcmp(name, "raw") == 0) {
        e->len = i % 6;
        for (size_t k = 0; k < e->len; k++)
            e->bytes[k] = (uint8_t)(i + k * 7);
    } else if (strcmp(name, "id") == 0) {
        e->len = 4;
        for (size_t k = 0; k < 4; k++)
            e->bytes[k] = (uint8_t)(i * 3 + k);
    } else if (strcmp(name, "oi") == 0) {
        e->valid = i % 3 != 0;
        e->n = e->valid ? -5 * (int64_t)i : 0;
    } else if (strcmp(name, "od") == 0) {
        e->valid = i % 3 != 1;
        e->x = e->valid ? (double)i * 0.25 : NAN;
    } else if (strcmp(name, "os") == 0) {
        e->valid = i % 3 != 2;
        if (e->valid)
            snprintf(e->s, sizeof(e->s), "o%zu", i);
    } else if (strcmp(name, "omode") == 0) {
        e->valid = i % 4 != 0;
        e->n = e->valid ? (int64_t)((i / 4) % 3) : 0;
    } else if (strcmp(name, "pos.x") == 0) {
        e->x = (double)i * 1.5;
    } else if (strcmp(name, "pos.y") == 0) {
        e->x = -(double)i * 2.0;
    } else if (strcmp(name, "of") == 0) {
        e->valid = i % 5 != 0;
        e->x = e->valid ? (double)((float)i * 0.125f) : NAN;
    } else if (strcmp(name, "ol") == 0) {
        e->valid = i % 5 != 1;
        e->n = e->valid ? (int64_t)i * 1000000007LL : 0;
    } else if (strcmp(name, "ob") == 0) {
        e->valid = i % 5 != 2;
        e->n = e->valid ? (int64_t)(i % 2) : 0;
    } else if (strcmp(name, "obytes") == 0) {
        e->valid = i % 5 != 3;
        e->len = e->valid ? i % 3 : 0;
        for (size_t k = 0; k < e->len; k++)
            e->bytes[k] = (uint8_t)(i + k);
    } else if (strcmp(name, "ofix") == 0) {
        e->valid = i % 5 != 4;
        e->len = e->valid ? 4 : 0;
        for (size_t k = 0; k < e->len; k++)
            e->bytes[k] = (uint8_t)(i * 5 + k);
    } else if (strcmp(name, "nest.inner.c") == 0) {
        e->n = 7 * (int64_t)i;
    } else if (strcmp(name, "nest.p2.x") == 0) {
        e->x = (double)i + 0.5;
    } else if (strcmp(name, "nest.p2.y") == 0) {
        e->x = (double)i - 0.5;
    } else {
        return -1;
    }
    return 0;
}

static int set_by_name(avro_value_t *rec, const char *name, avro_value_t *out)
{
    return avro_value_get_by_name(rec, name, out, NULL);
}

/* Sets a nullable field from its formula: branch `null_at` for a null. */
static int set_nullable(avro_value_t *rec, const char *name, size_t i, int null_at,
                        avro_value_t *branch, int *is_null)
{
    avro_value_t f;
    tx_value e;

    tx_expect(name, i, &e);
    *is_null = !e.valid;
    if (set_by_name(rec, name, &f) != 0)
        return -1;
    return avro_value_set_branch(&f, e.valid ? 1 - null_at : null_at, branch);
}

int tx_fill_every(avro_value_t *rec, size_t i, void *arg)
{
    avro_value_t f, g, h, branch;
    tx_value e;
    int is_null, rc = 0;
    char key[16], val[16];

    (void)arg;
    rc |= set_by_name(rec, "time", &f) || avro_value_set_long(&f, TX_TIME(i));
    tx_expect("i", i, &e);
    rc |= set_by_name(rec, "i", &f) || avro_value_set_int(&f, (int32_t)e.n);
    tx_expect("l", i, &e);
    rc |= set_by_name(rec, "l", &f) || avro_value_set_long(&f, e.n);
    tx_expect("f", i, &e);
    rc |= set_by_name(rec, "f", &f) || avro_value_set_float(&f, (float)e.x);
    tx_expect("d", i, &e);
    rc |= set_by_name(rec, "d", &f) || avro_value_set_double(&f, e.x);
    tx_expect("b", i, &e);
    rc |= set_by_name(rec, "b", &f) || avro_value_set_boolean(&f, (int)e.n);
    tx_expect("s", i, &e);
    rc |= set_by_name(rec, "s", &f) || avro_value_set_string(&f, e.s);
    tx_expect("mode", i, &e);
    rc |= set_by_name(rec, "mode", &f) || avro_value_set_enum(&f, (int)e.n);
    tx_expect("raw", i, &e);
    rc |= set_by_name(rec, "raw", &f) || avro_value_set_bytes(&f, e.bytes, e.len);
    tx_expect("id", i, &e);
    rc |= set_by_name(rec, "id", &f) || avro_value_set_fixed(&f, e.bytes, 4);

    rc |= set_nullable(rec, "oi", i, 0, &branch, &is_null);
    tx_expect("oi", i, &e);
    rc |= is_null ? avro_value_set_null(&branch) : avro_value_set_int(&branch, (int32_t)e.n);
    rc |= set_nullable(rec, "od", i, 1, &branch, &is_null);
    tx_expect("od", i, &e);
    rc |= is_null ? avro_value_set_null(&branch) : avro_value_set_double(&branch, e.x);
    rc |= set_nullable(rec, "os", i, 0, &branch, &is_null);
    tx_expect("os", i, &e);
    rc |= is_null ? avro_value_set_null(&branch) : avro_value_set_string(&branch, e.s);
    rc |= set_nullable(rec, "omode", i, 0, &branch, &is_null);
    tx_expect("omode", i, &e);
    rc |= is_null ? avro_value_set_null(&branch) : avro_value_set_enum(&branch, (int)e.n);

    /* tags: i % 4 ints; attrs: i % 3 entries. Neither is a signal. */
    rc |= set_by_name(rec, "tags", &f);
    for (size_t k = 0; k < i % 4; k++)
        rc |= avro_value_append(&f, &g, NULL) || avro_value_set_int(&g, (int32_t)(i + k));
    rc |= set_by_name(rec, "attrs", &f);
    for (size_t k = 0; k < i % 3; k++) {
        snprintf(key, sizeof(key), "k%zu", k);
        snprintf(val, sizeof(val), "v%zu", i + k);
        rc |= avro_value_add(&f, key, &g, NULL, NULL) || avro_value_set_string(&g, val);
    }

    rc |= set_by_name(rec, "pos", &f);
    tx_expect("pos.x", i, &e);
    rc |= set_by_name(&f, "x", &g) || avro_value_set_double(&g, e.x);
    tx_expect("pos.y", i, &e);
    rc |= set_by_name(&f, "y", &g) || avro_value_set_double(&g, e.x);

    rc |= set_nullable(rec, "of", i, 1, &branch, &is_null);
    tx_expect("of", i, &e);
    rc |= is_null ? avro_value_set_null(&branch) : avro_value_set_float(&branch, (float)e.x);
    rc |= set_nullable(rec, "ol", i, 0, &branch, &is_null);
    tx_expect("ol", i, &e);
    rc |= is_null ? avro_value_set_null(&branch) : avro_value_set_long(&branch, e.n);
    rc |= set_nullable(rec, "ob", i, 0, &branch, &is_null);
    tx_expect("ob", i, &e);
    rc |= is_null ? avro_value_set_null(&branch) : avro_value_set_boolean(&branch, (int)e.n);
    rc |= set_nullable(rec, "obytes", i, 0, &branch, &is_null);
    tx_expect("obytes", i, &e);
    rc |= is_null ? avro_value_set_null(&branch) : avro_value_set_bytes(&branch, e.bytes, e.len);
    rc |= set_nullable(rec, "ofix", i, 0, &branch, &is_null);
    tx_expect("ofix", i, &e);
    rc |= is_null ? avro_value_set_null(&branch) : avro_value_set_fixed(&branch, e.bytes, 4);

    rc |= set_by_name(rec, "nest", &f);
    tx_expect("nest.inner.c", i, &e);
    rc |= set_by_name(&f, "inner", &g) || set_by_name(&g, "c", &h) ||
          avro_value_set_int(&h, (int32_t)e.n);
    rc |= set_by_name(&f, "p2", &g);
    tx_expect("nest.p2.x", i, &e);
    rc |= set_by_name(&g, "x", &h) || avro_value_set_double(&h, e.x);
    tx_expect("nest.p2.y", i, &e);
    rc |= set_by_name(&g, "y", &h) || avro_value_set_double(&h, e.x);
    return rc;
}

int tx_check_element(const pivot_column *col, const uint8_t *valid, size_t row,
                     const tx_value *want)
{
    static int reported; /* the first few differences are enough to see the pattern */
    const void *d = col->data;
    int ok;

    if ((valid != NULL ? valid[row] : 1) != want->valid) {
        if (reported++ < 20)
            fprintf(stderr, "%s row %zu: valid %d, expected %d\n", col->name, row,
                    valid != NULL ? valid[row] : 1, want->valid);
        return 0;
    }
    switch (col->type) {
    case PIVOT_TYPE_INT32:
    case PIVOT_TYPE_ENUM:
        ok = ((const int32_t *)d)[row] == want->n;
        break;
    case PIVOT_TYPE_INT64:
        ok = ((const int64_t *)d)[row] == want->n;
        break;
    case PIVOT_TYPE_BOOL:
        ok = ((const uint8_t *)d)[row] == want->n;
        break;
    case PIVOT_TYPE_FLOAT32: {
        float v = ((const float *)d)[row];
        ok = isnan(want->x) ? isnan(v) : (double)v == want->x;
        break;
    }
    case PIVOT_TYPE_FLOAT64: {
        double v = ((const double *)d)[row];
        ok = isnan(want->x) ? isnan(v) : v == want->x;
        break;
    }
    case PIVOT_TYPE_STRING:
        ok = strcmp(((const char *const *)d)[row], want->s) == 0;
        break;
    case PIVOT_TYPE_BYTES: {
        const pivot_bytes *b = &((const pivot_bytes *)d)[row];
        ok = b->len == want->len && (b->len == 0 || memcmp(b->data, want->bytes, b->len) == 0);
        break;
    }
    default:
        ok = 0;
        break;
    }
    if (!ok && reported++ < 20)
        fprintf(stderr, "%s row %zu (type %s): value differs from the formula\n", col->name, row,
                pivot_type_name(col->type));
    return ok;
}
