/*
 * The host side of the tests that link the avro source plugin in: the
 * plugin initialised as pivotd does, and instances that force a decoder.
 */
#ifndef TEST_AVRO_HOST_H
#define TEST_AVRO_HOST_H

#include <pivot/plugin.h>

/** The source the plugin registered; set by th_init. */
extern const pivot_source *th_source;

/**
 * Sets a host setting (as pivotd's configuration file would), seen by the
 * instances opened afterwards; the test host's (pivot/test_host.h). The
 * plugin is quiet: tests check what the scans report, not its log.
 */
void th_config_set(const char *key, const char *value);

/** Initialises the plugin linked into the test. Returns 0, or -1 (reason on stderr). */
int th_init(void);

/**
 * Opens `data_dir` with the compiled decoder (mode NULL) or libavro only
 * (mode "libavro"); NULL on failure (reason on stderr).
 */
void *th_open(const char *data_dir, const char *mode);

#endif
