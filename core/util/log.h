/*
 * Log lines on stderr with a level and an origin ("pivotd", a plugin's name),
 * one line per event, in one of three formats (logging.format): "text"
 * ("origin: level: message"), "logfmt" or "json" (JSON Lines), the latter two
 * with a time, the level, the origin, the stream and the event's fields.
 *
 * Three streams: "log" (everything else), "access" (one line per answered
 * HTTP request, http_access.c) and "audit": authentication failures and
 * administrators' actions, "audit: <UTC time> <event> from <address> key
 * <id>: ..." in text, where <id> is the credential's public id as its auth
 * backend names it (pivot_principal.credential), never a secret. The audit
 * stream goes to logging.audit_file when one is set.
 */
#ifndef PV_LOG_H
#define PV_LOG_H

#include <pivot/common.h>
#include <stddef.h>

/** Line formats. */
typedef enum pv_log_format { PV_LOG_TEXT = 0, PV_LOG_LOGFMT, PV_LOG_JSON } pv_log_format;

/** One named value of an event; a NULL value is left out. */
typedef struct pv_log_field {
    const char *key;
    const char *value;
} pv_log_field;

/** Sets the most verbose level written (default PIVOT_LOG_INFO). */
void pv_log_set_level(pivot_log_level level);

/** Reads a level by name ("error", "warning", "info", "debug"); 0, or -1 for another name. */
int pv_log_level_parse(const char *text, pivot_log_level *out);

/** Reads a format by name ("text", "logfmt", "json"); 0, or -1 for another name. */
int pv_log_format_parse(const char *text, pv_log_format *out);

/** Sets the line format (default text). Call before other threads log. */
void pv_log_set_format(pv_log_format format);

/**
 * Names the job this process runs (a worker), added as job_id to each line
 * in logfmt and json (text lines name it in their message). Call before
 * other threads log.
 */
void pv_log_set_job(const char *job_id);

/**
 * Sends the audit stream to the file at path (appended, created 0600), or
 * back to stderr with NULL. Returns 0, or -1 with a message in err.
 */
int pv_log_set_audit_file(const char *path, char *err, size_t errlen);

/** Writes one line "origin: level: message"; safe from several threads. */
void pv_log(pivot_log_level level, const char *origin, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Writes one event of stream ("log", "access", "audit") with its fields.
 * In text the fields follow the message as key=value.
 */
void pv_log_event(pivot_log_level level, const char *origin, const char *stream,
                  const char *message, const pv_log_field *fields, size_t nfields);

/**
 * Says the server listens at url, at any level: the one line tools wait for
 * ("pivotd: listening on URL" in text, msg "listening on URL" otherwise).
 */
void pv_log_listening(const char *url);

/**
 * Logs one audit line at level. peer is the source address ("local" for
 * the command line); credential a credential's public id, or NULL or ""
 * ("-").
 */
void pv_log_audit(pivot_log_level level, const char *event, const char *peer,
                  const char *credential, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
