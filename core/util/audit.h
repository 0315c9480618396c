/*
 * Audit lines: authentication failures and administrators' actions, one
 * log line each, "audit: <UTC time> <event> from <address> key <id>: ...",
 * where <id> is the credential's public id as its auth backend names it
 * (pivot_principal.credential), never a secret.
 */
#ifndef PV_AUDIT_H
#define PV_AUDIT_H

#include <pivot/common.h>
#include <stddef.h>

/**
 * Logs one audit line at level. peer is the source address ("local" for
 * the command line); credential a credential's public id, or NULL or ""
 * ("-").
 */
void pv_audit(pivot_log_level level, const char *event, const char *peer, const char *credential,
              const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
