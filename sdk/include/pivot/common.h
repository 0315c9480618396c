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
 * ABI version of this SDK, MAJOR.MINOR (see docs/plugin-guide.md, "Versioning").
 *
 * MAJOR changes when a change breaks plugins built before it: a field moved
 * or removed, a meaning changed. The loader refuses a plugin whose major
 * differs from the server's.
 *
 * MINOR counts additions that old plugins cannot notice: a member appended
 * to pivot_host or to a struct a plugin hands in, a new error code, a new
 * provider kind. A server runs plugins built against its own or an older
 * minor and refuses a plugin built against a newer one, which might rely on
 * a member this server lacks.
 */
#define PIVOT_ABI_MAJOR 1
/**
 * See PIVOT_ABI_MAJOR. History: 1.0 the first release; 1.1 appended key
 * administration (create_key_ex, list_keys, revoke_key) to
 * pivot_auth_backend; 1.2 appended gzip_level and chunk_size (the
 * options.compression and options.chunk_size of the job) to pivot_export_info;
 * 1.3 appended the optional span (a channel's time span and rate) to
 * pivot_source; 1.4 added the enum and bytes types, per-signal details
 * (nullability, enum symbols, units, doc) and the unsupported fields to
 * pivot_channel_info, validity masks to pivot_batch, the decimation to
 * pivot_export_info, and the optional pivot_plugin_fini(); 1.5 appended
 * config_key_at (listing the configuration's keys) to pivot_host and the
 * source's schema origin and time unit to pivot_channel_info.
 */
#define PIVOT_ABI_MINOR 5
/** The major version under its original name; pivot_magic.abi_version holds it. */
#define PIVOT_ABI_VERSION PIVOT_ABI_MAJOR

/**
 * True when a struct that carries its own size (in its first member, `size`)
 * is large enough to hold `member`: use it before reading a member added after
 * the ABI minor the other side was built against, e.g.
 * PIVOT_HAS_MEMBER(host, pivot_host, random_bytes).
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

/** A half-open time interval [start_ns, end_ns), nanoseconds since the Unix epoch, UTC. */
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
    /** ABI 1.4: int32_t index into the signal's symbols (pivot_signal_detail); Avro enum */
    PIVOT_TYPE_ENUM = 7,
    /** ABI 1.4: pivot_bytes; Avro bytes and fixed */
    PIVOT_TYPE_BYTES = 8
} pivot_type;

/** One element of a PIVOT_TYPE_BYTES column (ABI 1.4): `len` bytes, not NUL-terminated. */
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
