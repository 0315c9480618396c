/*
 * Pivot plugin SDK: definitions shared by every provider kind.
 *
 * Plugins include <pivot/plugin.h>, never core headers, and never link
 * against pivotd: everything they use from the host arrives through the
 * pivot_host table (see host.h).
 */
#ifndef PIVOT_COMMON_H
#define PIVOT_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The plugin ABI (see docs/plugin-guide.md, "The ABI rule"). One rule, the
 * same in the loader and the guide:
 *
 *   1. The loader accepts a plugin whose PIVOT_ABI_MAJOR equals the
 *      server's, and refuses any other.
 *   2. Every struct passed by pointer between the host and a plugin, in
 *      either direction, carries its own sizeof as its first member, `size`,
 *      and only ever grows at the end. The reader reads only the members that
 *      `size` covers (PIVOT_HAS_MEMBER) and refuses a struct smaller than the
 *      first version of the major. Structs that travel by value or as array
 *      elements (pivot_range, pivot_bytes, pivot_signal_info, pivot_column,
 *      pivot_unsupported_field) never change within a major, since both sides
 *      must agree on an array's stride; what a later version adds about an
 *      element goes into a sized struct reached through a pointer, as
 *      pivot_signal_detail does for a signal.
 *   3. Nothing else is version-tested: no minor version, no feature flags.
 *
 * So a member added within the major is appended to a sized struct, and a
 * plugin built before it runs unchanged; anything else (a member moved,
 * removed or retyped, a meaning changed) is a new major.
 */
#define PIVOT_ABI_MAJOR 1

/**
 * True when a struct that carries its own size (in its first member, `size`)
 * is large enough to hold `member`: how a reader tells whether the other side
 * was built with a member appended after the first version of the major.
 */
#define PIVOT_HAS_MEMBER(ptr, type, member)                                                        \
    ((ptr)->size >= offsetof(type, member) + sizeof((ptr)->member))

/*
 * Error codes: functions return 0 on success or one of these (negative). The
 * values are those of Linux errno, negated, so that a plugin may return
 * -errno from a system call unchanged.
 */
#define PIVOT_OK 0
#define PIVOT_EINVAL (-22)     /**< the request or argument is malformed */
#define PIVOT_ENOENT (-2)      /**< no such channel, signal, job, key... */
#define PIVOT_EACCES (-13)     /**< credentials given but refused */
#define PIVOT_ENOMEM (-12)     /**< allocation failed */
#define PIVOT_EIO (-5)         /**< reading or writing data failed */
#define PIVOT_ERANGE (-34)     /**< a value is outside what can be represented */
#define PIVOT_ECANCELED (-125) /**< the operation was stopped on request */
#define PIVOT_ENOTSUP (-95)    /**< the provider does not support this */
#define PIVOT_EEXIST (-17)     /**< already exists */

/**
 * Size of the message buffers the host passes to providers. Every callback
 * that takes `char *err, size_t errlen` may write a NUL-terminated,
 * single-line message there when it fails; the user sees it in the job's
 * `error` or in the HTTP problem's `detail`, so it should say what is wrong
 * and what to do, without the plugin's name (the host adds context).
 */
#define PIVOT_ERRMSG_SIZE 512

/**
 * A half-open time interval [start_ns, end_ns), nanoseconds since the Unix
 * epoch, UTC. Passed by value: never changes.
 */
typedef struct pivot_range {
    int64_t start_ns; /**< first instant included */
    int64_t end_ns;   /**< first instant excluded */
} pivot_range;

/** Element type of a signal column. */
typedef enum pivot_type {
    PIVOT_TYPE_INT32 = 1,   /**< int32_t; Avro int */
    PIVOT_TYPE_INT64 = 2,   /**< int64_t; Avro long */
    PIVOT_TYPE_FLOAT32 = 3, /**< float; Avro float */
    PIVOT_TYPE_FLOAT64 = 4, /**< double; Avro double */
    PIVOT_TYPE_BOOL = 5,    /**< uint8_t 0/1; Avro boolean */
    PIVOT_TYPE_STRING = 6,  /**< const char * (UTF-8, NUL-terminated); Avro string */
    /** int32_t index into the signal's symbols (pivot_signal_detail); Avro enum */
    PIVOT_TYPE_ENUM = 7,
    /** pivot_bytes; Avro bytes and fixed */
    PIVOT_TYPE_BYTES = 8
} pivot_type;

/** One element of a PIVOT_TYPE_BYTES column: `len` bytes, not NUL-terminated. Never changes. */
typedef struct pivot_bytes {
    const uint8_t *data; /**< borrowed like the column; may be NULL when len is 0 */
    size_t len;          /**< number of bytes */
} pivot_bytes;

/** Returns a short name for a type ("int32", "float64", "string"...); never NULL. */
static inline const char *pivot_type_name(pivot_type t)
{
    switch (t) {
    case PIVOT_TYPE_INT32:
        return "int32";
    case PIVOT_TYPE_INT64:
        return "int64";
    case PIVOT_TYPE_FLOAT32:
        return "float32";
    case PIVOT_TYPE_FLOAT64:
        return "float64";
    case PIVOT_TYPE_BOOL:
        return "bool";
    case PIVOT_TYPE_STRING:
        return "string";
    case PIVOT_TYPE_ENUM:
        return "enum";
    case PIVOT_TYPE_BYTES:
        return "bytes";
    }
    return "unknown";
}

/** Log levels for pivot_host.log. */
typedef enum pivot_log_level {
    PIVOT_LOG_ERROR = 0,   /**< something failed that an operator should look at */
    PIVOT_LOG_WARNING = 1, /**< something odd that did not stop the work */
    PIVOT_LOG_INFO = 2,    /**< a notable event (started, configured) */
    PIVOT_LOG_DEBUG = 3    /**< detail for whoever debugs the plugin */
} pivot_log_level;

#ifdef __cplusplus
}
#endif

#endif
