/*
 * Log lines on stderr with a level and an origin ("pivotd", a plugin's name),
 * and the audit lines among them: authentication failures and
 * administrators' actions, "audit: <UTC time> <event> from <address> key
 * <id>: ...", where <id> is the credential's public id as its auth backend
 * names it (pivot_principal.credential), never a secret.
 */
#ifndef PV_LOG_H
#define PV_LOG_H

#include <pivot/common.h>

/** Sets the most verbose level written (default PIVOT_LOG_INFO). */
void pv_log_set_level(pivot_log_level level);

/** Reads a level by name ("error", "warning", "info", "debug"); 0, or -1 for another name. */
int pv_log_level_parse(const char *text, pivot_log_level *out);

/** Writes one line "origin: level: message"; safe from several threads. */
void pv_log(pivot_log_level level, const char *origin, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Logs one audit line at level. peer is the source address ("local" for
 * the command line); credential a credential's public id, or NULL or ""
 * ("-").
 */
void pv_log_audit(pivot_log_level level, const char *event, const char *peer,
                  const char *credential, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
