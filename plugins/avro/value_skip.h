/*
 * Stepping over an encoded value of any Avro type without decoding it: how
 * the compiled decoder passes the fields no signal reads (arrays, maps,
 * unions of several types), so that a record holding them still decodes
 * at full speed.
 */
#ifndef PVA_VALUE_SKIP_H
#define PVA_VALUE_SKIP_H

#include "schema_types.h"

/**
 * Returns the first byte after the value of type node `node` of `types`
 * that starts at `p`, or NULL when the bytes up to `end` do not hold a
 * whole, well-formed value.
 */
const uint8_t *pva_skip_value(const pva_type_graph *types, size_t node, const uint8_t *p,
                              const uint8_t *end);

#endif
