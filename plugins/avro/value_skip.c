/* Skipping encoded values by their type graph; see value_skip.h. */
#include "value_skip.h"
#include "varint.h"

/*
 * Values nested deeper than this are taken as malformed: recursive types
 * could otherwise make a damaged block exhaust the stack.
 */
#define MAX_VALUE_DEPTH 256

/* Past a length-prefixed value. */
static const uint8_t *skip_length(const uint8_t *p, const uint8_t *end)
{
    uint64_t n;

    p = pva_get_length(p, end, &n);
    return p != NULL ? p + n : NULL;
}

static const uint8_t *skip_at(const pva_type_graph *g, size_t node, const uint8_t *p,
                              const uint8_t *end, int depth);

/*
 * Arrays and maps: blocks of items, each block a count, negative when its
 * byte size follows (then the block is skipped whole), and a zero count at
 * the end.
 */
static const uint8_t *skip_blocks(const pva_type_graph *g, const pva_avro_type *t, const uint8_t *p,
                                  const uint8_t *end, int depth)
{
    size_t item = t->children[0];
    int is_map = t->kind == PVA_AVRO_MAP;

    for (;;) {
        uint64_t u;
        int64_t count;

        p = pva_get_varint(p, end, &u);
        if (p == NULL)
            return NULL;
        count = (int64_t)u;
        if (count == 0)
            return p;
        if (count < 0) {
            p = skip_length(p, end);
            if (p == NULL)
                return NULL;
            continue;
        }
        /* Items of no bytes need no loop (a huge count would spin on them). */
        if (!is_map && g->nodes[item].zero_size)
            continue;
        /* Each remaining item takes at least one byte: the loop ends with the bytes. */
        for (int64_t i = 0; i < count; i++) {
            if (is_map && (p = skip_length(p, end)) == NULL)
                return NULL;
            p = skip_at(g, item, p, end, depth + 1);
            if (p == NULL)
                return NULL;
        }
    }
}

static const uint8_t *skip_at(const pva_type_graph *g, size_t node, const uint8_t *p,
                              const uint8_t *end, int depth)
{
    const pva_avro_type *t = &g->nodes[node];
    uint64_t v;

    if (depth > MAX_VALUE_DEPTH)
        return NULL;
    switch (t->kind) {
    case PVA_AVRO_NULL:
        return p;
    case PVA_AVRO_BOOLEAN:
        return p < end ? p + 1 : NULL;
    case PVA_AVRO_INT:
    case PVA_AVRO_LONG:
    case PVA_AVRO_ENUM:
        return pva_get_varint(p, end, &v);
    case PVA_AVRO_FLOAT:
        return end - p >= 4 ? p + 4 : NULL;
    case PVA_AVRO_DOUBLE:
        return end - p >= 8 ? p + 8 : NULL;
    case PVA_AVRO_BYTES:
    case PVA_AVRO_STRING:
        return skip_length(p, end);
    case PVA_AVRO_FIXED:
        return (size_t)(end - p) >= t->size ? p + t->size : NULL;
    case PVA_AVRO_RECORD:
        for (size_t i = 0; i < t->nchildren && p != NULL; i++)
            p = skip_at(g, t->children[i], p, end, depth + 1);
        return p;
    case PVA_AVRO_UNION:
        p = pva_get_varint(p, end, &v);
        if (p == NULL || v >= t->nchildren)
            return NULL;
        return skip_at(g, t->children[v], p, end, depth + 1);
    case PVA_AVRO_ARRAY:
    case PVA_AVRO_MAP:
        return skip_blocks(g, t, p, end, depth);
    case PVA_AVRO_UNKNOWN:
        break;
    }
    return NULL;
}

const uint8_t *pva_skip_value(const pva_type_graph *types, size_t node, const uint8_t *p,
                              const uint8_t *end)
{
    return skip_at(types, node, p, end, 0);
}
