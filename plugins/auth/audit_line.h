/*
 * The backends' audit lines, in the server's own audit format
 * ("audit: <UTC time> <event> from <address> key <id>: ..."), so that one
 * grep finds the lines of the host and of every backend.
 */
#ifndef AUTH_AUDIT_LINE_H
#define AUTH_AUDIT_LINE_H

#include <pivot/plugin.h>

/**
 * Logs one audit line through host->log (nothing when it has none). peer is
 * the request's address ("?" when empty); key_id a public key id or NULL ("-").
 */
void auth_audit(const pivot_host *host, pivot_log_level level, const char *event, const char *peer,
                const char *key_id, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/**
 * Names the credential of a request in who->credential for the host's audit
 * line (never a secret), when the host's principal has the member.
 */
void auth_credential(pivot_principal *who, const char *credential);

#endif
