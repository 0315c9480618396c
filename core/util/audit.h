/*
 * Audit lines: authentication failures and administrators' actions, one
 * log line each, "audit: <UTC time> <event> from <address> key <id>: ...",
 * never with a key's secret.
 */
#ifndef PV_AUDIT_H
#define PV_AUDIT_H

#include <pivot/common.h>
#include <stddef.h>

/**
 * Logs one audit line at level. peer is the source address ("local" for
 * the command line); key_id a public key id or NULL ("-").
 */
void pv_audit(pivot_log_level level, const char *event, const char *peer, const char *key_id,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/**
 * The public id of an API key ("pvk_<id>_<secret>": the id part) in the
 * len bytes at key, copied into out; "-" when the text has no such shape.
 * Only ever the id: the secret never reaches a log.
 */
void pv_audit_key_id(const char *key, size_t len, char *out, size_t outlen);

#endif
