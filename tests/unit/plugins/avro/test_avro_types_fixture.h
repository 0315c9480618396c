/*
 * A record with every Avro type a relay schema can hold, written with
 * libavro, and the formula each of its values follows: what the avro
 * source's type tests write and check value by value.
 */
#ifndef TEST_AVRO_TYPES_FIXTURE_H
#define TEST_AVRO_TYPES_FIXTURE_H

#include <avro.h>
#include <pivot/plugin.h>
#include <stddef.h>
#include <stdint.h>

/**
 * The every-type schema: every signal type, plain and nullable, an enum and
 * a fixed by name and by reference, nested records (one reached through a
 * named reference), an array and a map.
 */
extern const char *const tx_every_schema;

/** Time of record i of the every-type files, in nanoseconds. */
#define TX_TIME(i) (1000 + 10 * (int64_t)(i))

/** Fills record i of the every-type schema (an fx_fill_fn). */
int tx_fill_every(avro_value_t *rec, size_t i, void *arg);

/** What a signal of the every-type schema describes as. */
typedef struct tx_signal {
    const char *name;
    pivot_type type;
    int nullable;
    const char *source_type;
    const char *units; /* NULL when none */
    const char *doc;   /* NULL when none */
    size_t nsymbols;   /* enums: 3 */
    size_t fixed_size; /* fixed: 4 */
} tx_signal;

/** The signals describe lists for the every-type schema, in order. */
extern const tx_signal tx_every_signals[];
/** Number of entries of tx_every_signals. */
extern const size_t tx_every_nsignals;

/**
 * Puts the name of every signal of tx_every_signals into names and 1 into
 * nullable where the signal is nullable, else 0: a request for all of them.
 */
void tx_every_names(const char **names, int *nullable);

/** One expected sample value. */
typedef struct tx_value {
    int valid;        /* 0 for a null */
    int64_t n;        /* int32, int64, bool, enum */
    double x;         /* float32 (exact in a double), float64; NaN for a null */
    char s[32];       /* string */
    uint8_t bytes[8]; /* bytes and fixed */
    size_t len;       /* number of bytes */
} tx_value;

/** The value of signal `name` in record i; returns 0, or -1 for an unknown name. */
int tx_expect(const char *name, size_t i, tx_value *out);

/**
 * Checks element `row` of column `col` (mask `valid`, NULL when the batch
 * has none) against the expected value; returns 1 when it matches, else
 * prints what differs and returns 0.
 */
int tx_check_element(const pivot_column *col, const uint8_t *valid, size_t row,
                     const tx_value *want);

#endif
