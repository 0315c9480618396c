/*
 * The "anonymous" auth backend, for single-user lab machines whose scripts
 * send no credentials (SpeedData's own clients): a request without any
 * credentials, from one of the configured addresses, acts as one configured
 * user with the role "user". Never on unless auth.backends names it.
 */
#ifndef AUTH_ANONYMOUS_H
#define AUTH_ANONYMOUS_H

#include <pivot/plugin.h>

/** The backend the plugin registers. */
extern const pivot_auth_backend anon_backend;

/** Remembers the host table for the backend's later calls; call from pivot_plugin_init. */
void anon_backend_init(const pivot_host *host);

#endif
