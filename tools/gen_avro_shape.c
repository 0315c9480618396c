/*
 * Record shapes: schema, size bound and encoder of each. See gen_avro_shape.h.
 */
#include "gen_avro_shape.h"

#include "gen_avro_channel.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NS_PER_S 1000000000LL

static const char modes[4][4] = {
    {'i', 'd', 'l', 'e'}, {'r', 'a', 'm', 'p'}, {'h', 'o', 'l', 'd'}, {'v', 'e', 'n', 't'}};

/* The example shape's short messages: lengths 4 to 7, so a reader cannot assume one. */
static const char *const words[8] = {"alpha", "bravo",   "charlie", "delta",
                                     "echo",  "foxtrot", "golf",    "hotel"};
#define WORD_MAX_LEN 7

/* SpeedData's example.avsc, its logicalType on the field as there. */
static const char example_schema[] =
    "{\"type\":\"record\",\"name\":\"data\",\"namespace\":\"speeddata.example\","
    "\"fields\":[{\"name\":\"time\",\"type\":\"long\",\"logicalType\":\"timestamp-nanos\"},"
    "{\"name\":\"message\",\"type\":\"string\"},{\"name\":\"counter\",\"type\":\"int\"},"
    "{\"name\":\"sine_wave\",\"type\":\"double\"},{\"name\":\"ramp\",\"type\":\"double\"},"
    "{\"name\":\"square_wave\",\"type\":\"double\"},{\"name\":\"noise\",\"type\":\"double\"}]}";

static char *signals_schema(int signals, int with_mode)
{
    const char *head = "{\"type\":\"record\",\"name\":\"data\",\"namespace\":\"speeddata.bench\","
                       "\"fields\":[{\"name\":\"time\",\"type\":\"long\","
                       "\"logicalType\":\"timestamp-nanos\"}";
    const char *counter = ",{\"name\":\"counter\",\"type\":\"int\"}";
    const char *mode = ",{\"name\":\"mode\",\"type\":\"string\"}";
    size_t cap = strlen(head) + strlen(counter) + strlen(mode) + 3 + (size_t)signals * 48;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t n = (size_t)snprintf(s, cap, "%s", head);
    for (int k = 0; k < signals; k++)
        n += (size_t)snprintf(s + n, cap - n, ",{\"name\":\"sig%d\",\"type\":\"double\"}", k);
    n += (size_t)snprintf(s + n, cap - n, "%s%s]}", counter, with_mode ? mode : "");
    return s;
}

char *gen_shape_schema(enum gen_shape shape, int signals, int with_mode)
{
    if (shape == GEN_SHAPE_EXAMPLE)
        return strdup(example_schema);
    return signals_schema(signals, with_mode);
}

size_t gen_shape_max_record(enum gen_shape shape, int signals, int with_mode)
{
    /* time varint (10) + counter varint (5) + the rest. */
    if (shape == GEN_SHAPE_EXAMPLE)
        return 10 + 1 + WORD_MAX_LEN + 5 + 4 * 8;
    /* doubles + "mode" (length byte and 4 letters). */
    return 10 + 8 * (size_t)signals + 5 + (with_mode ? 5 : 0);
}

/* (i * 1e9) // rate without the 64-bit overflow of i * 1e9: i = q*rate + r. */
static int64_t time_of(const struct gen_params *pa, int64_t i)
{
    return pa->start_ns + (i / pa->rate) * NS_PER_S + ((i % pa->rate) * NS_PER_S) / pa->rate;
}

uint64_t gen_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static size_t encode_signals(const struct gen_plan *plan, int64_t i, double ph, uint8_t *p)
{
    const struct gen_params *pa = plan->params;
    size_t n = gen_avro_put_long(p, time_of(pa, i));
    double t = (double)i / (double)pa->rate;
    for (int k = 0; k < pa->signals; k++, n += 8)
        gen_avro_put_double(p + n, plan->amp[k] * sin(plan->w[k] * t + ph));
    n += gen_avro_put_long(p + n, i & 0x7FFFFFFF);
    if (pa->with_mode) {
        p[n++] = 4 << 1; /* zigzag string length */
        memcpy(p + n, modes[(i / (10 * pa->rate)) % 4], 4);
        n += 4;
    }
    return n;
}

/* Like SpeedData's example sender, per sample i rather than per second, with a
 * per-channel phase on the sine and a noise that a reader can recompute. */
static size_t encode_example(const struct gen_plan *plan, int64_t c, int64_t i, double ph,
                             uint8_t *p)
{
    const char *word = words[i % 8];
    size_t len = strlen(word);
    uint64_t state = (((uint64_t)c & 0xFFFFFFFFULL) << 32) ^ (uint64_t)i;
    size_t n = gen_avro_put_long(p, time_of(plan->params, i));

    n += gen_avro_put_long(p + n, (int64_t)len);
    memcpy(p + n, word, len);
    n += len;
    n += gen_avro_put_long(p + n, i & 0x7FFFFFFF);
    /* Python: math.sin(2 * math.pi * i / 20.0 + 0.1 * c), in that order. */
    gen_avro_put_double(p + n, sin(GEN_TWO_PI * (double)i / 20.0 + ph));
    gen_avro_put_double(p + n + 8, (double)(i % 40) / 40.0 * 2.0 - 1.0);
    gen_avro_put_double(p + n + 16, i % 20 < 10 ? 1.0 : -1.0);
    /* 53 random bits as a double in [0, 1), exactly, then shifted to [-0.5, 0.5). */
    gen_avro_put_double(p + n + 24, (double)(gen_splitmix64(&state) >> 11) * 0x1.0p-53 - 0.5);
    return n + 32;
}

size_t gen_shape_encode(const struct gen_plan *plan, int64_t c, int64_t i, double ph, uint8_t *p)
{
    if (plan->params->shape == GEN_SHAPE_EXAMPLE)
        return encode_example(plan, c, i, ph, p);
    return encode_signals(plan, i, ph, p);
}
