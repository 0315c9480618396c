/* Avro's zig-zag varints, read from a block already in memory. */
#ifndef PVA_VARINT_H
#define PVA_VARINT_H

#include <stdint.h>

/** Zig-zag varint; NULL when the bytes run out or the varint is too long. */
static inline const uint8_t *pva_get_varint(const uint8_t *p, const uint8_t *end, uint64_t *out)
{
    uint64_t v = 0;
    int shift = 0;

    /* Most values of a telemetry record fit one to three bytes. */
    while (p < end) {
        uint8_t c = *p++;
        v |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) {
            *out = (v >> 1) ^ -(v & 1);
            return p;
        }
        shift += 7;
        if (shift >= 70)
            return NULL;
    }
    return NULL;
}

/**
 * The length prefix of a bytes or string value: the length in *len and the
 * value's first byte returned; NULL when malformed (negative, or longer than
 * what is left).
 */
static inline const uint8_t *pva_get_length(const uint8_t *p, const uint8_t *end, uint64_t *len)
{
    p = pva_get_varint(p, end, len);
    if (p == NULL || (int64_t)*len < 0 || (uint64_t)(end - p) < *len)
        return NULL;
    return p;
}

#endif
