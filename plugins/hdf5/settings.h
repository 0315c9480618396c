/* The exporter's settings from the server's configuration (`plugins.hdf5.*`). */
#ifndef PIVOT_HDF5_SETTINGS_H
#define PIVOT_HDF5_SETTINGS_H

#include <pivot/host.h>

/** The most compression threads the setting may ask for. */
#define HX_COMPRESSION_THREADS_MAX 64

/** The host whose configuration is read. */
void hx_settings_set_host(const pivot_host *host);

/**
 * `plugins.hdf5.compression_threads`: threads that shuffle and deflate the
 * chunks of a compressed export, one per core when unset; 0 leaves the
 * compression to HDF5's filter on the writer thread (the path before the
 * threads, kept for comparison). A value that is not 0..64 is logged and
 * the default used.
 */
unsigned hx_compression_threads(void);

#endif
