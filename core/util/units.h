/* Byte counts in words people read: 1057671168 -> "1.0 GiB". */
#ifndef PV_UNITS_H
#define PV_UNITS_H

#include <stdint.h>

/** Buffer size that holds any text pv_human_bytes writes. */
#define PV_HUMAN_BYTES_SIZE 32

/**
 * Writes n in binary units with one decimal ("512 bytes", "1.5 KiB",
 * "1.0 GiB"); bytes below 1024 stay a whole number.
 */
void pv_human_bytes(int64_t n, char out[PV_HUMAN_BYTES_SIZE]);

#endif
