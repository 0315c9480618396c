/*
 * Fixture writers for the avro source tests: Avro object container files
 * written with libavro, and the same synthetic channels as the reference
 * generator (time, sig0..sigK-1, counter).
 */
#ifndef TEST_AVRO_SOURCE_FIXTURE_H
#define TEST_AVRO_SOURCE_FIXTURE_H

#include <avro.h>
#include <stddef.h>
#include <stdint.h>

/** Removes the tree at path, if any, without following links. */
void fx_remove_tree(const char *path);

/**
 * Puts parent/name into dir (len bytes) and makes it a new empty directory,
 * parent too when missing, removing whatever was there.
 */
void fx_fresh_dir(char *dir, size_t len, const char *parent, const char *name);

/** Makes the channel directory data_dir/channel and puts data_dir/channel/file into path. */
void fx_channel_file(char *path, size_t len, const char *data_dir, const char *channel,
                     const char *file);

/** The size of the file at path, or -1. */
long fx_file_size(const char *path);

/** Fills record i; returns 0 or non-zero to abort the write. */
typedef int (*fx_fill_fn)(avro_value_t *record, size_t i, void *arg);

/**
 * Writes n records with `schema_json` (null codec), cutting a block after
 * every block_records records; block_ends[k], when given, receives the file
 * size once block k is written (at most max_blocks entries). Returns 0 or -1.
 */
int fx_write_file(const char *path, const char *schema_json, size_t n, size_t block_records,
                  fx_fill_fn fill, void *arg, long *block_ends, size_t max_blocks);

/** As fx_write_file, with the block codec `codec` ("null", "deflate", "snappy"). */
int fx_write_file_codec(const char *path, const char *schema_json, const char *codec, size_t n,
                        size_t block_records, fx_fill_fn fill, void *arg, long *block_ends,
                        size_t max_blocks);

/** Replaces the avro.schema text in the header of the file at path; returns 0 or -1. */
int fx_set_header_schema(const char *path, const char *schema_text);

/** Sets the header entry `key` (e.g. "avro.codec") of the file at path; returns 0 or -1. */
int fx_set_header_value(const char *path, const char *key, const char *value);

/** The schema text of the reference generator for k double signals (malloc'd). */
char *fx_gen_schema(int k);

/**
 * Writes channel `c` of the reference generator under out/ch<c>: files of
 * file_seconds seconds named data_<start-second>.avro. Returns 0 or -1.
 */
int fx_gen_channel(const char *out, int c, int k, int64_t start_ns, int seconds, int rate,
                   int file_seconds);

/** sig_k of sample i of channel c at `rate` Hz, as the reference generator computes it. */
double fx_gen_signal(int c, int k, int64_t i, int rate);

#endif
