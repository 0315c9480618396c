/*
 * The generator's record shapes: each one's schema text, the size bound of
 * one encoded record and the encoder. The formulas are documented in
 * gen_avro.c (and in pivot-gen-avro --help).
 */
#ifndef PIVOT_GEN_AVRO_SHAPE_H
#define PIVOT_GEN_AVRO_SHAPE_H

#include <stddef.h>
#include <stdint.h>

/* 2.0 * math.pi as Python has it: the reference's TWO_PI. */
#define GEN_TWO_PI (2.0 * 3.14159265358979323846)

enum gen_shape {
    GEN_SHAPE_SIGNALS, /** time, sig0..sigK-1, counter[, mode]: the bench shape */
    GEN_SHAPE_EXAMPLE, /** the fields of SpeedData's config/agents/example.avsc */
};

struct gen_plan;

/* The schema text, malloc'ed; NULL when out of memory. For the signals shape it is,
 * character for character, the reference generator's schema_json(). */
char *gen_shape_schema(enum gen_shape shape, int signals, int with_mode);

/* An upper bound of the encoded size of one record. */
size_t gen_shape_max_record(enum gen_shape shape, int signals, int with_mode);

/* splitmix64: the generator's one pseudo-random source (sync markers, the example's noise). */
uint64_t gen_splitmix64(uint64_t *state);

/* Encodes record i of channel c (phase ph = 0.1 * c) at p; returns its length. */
size_t gen_shape_encode(const struct gen_plan *plan, int64_t c, int64_t i, double ph, uint8_t *p);

#endif
