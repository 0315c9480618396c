/*
 * The "trusted-header" auth backend: a single-sign-on reverse proxy in
 * front of pivotd authenticates people and passes the user name in a
 * header; requests carrying that header are believed only when they come
 * from one of the configured proxy addresses.
 */
#ifndef AUTH_TRUSTED_HEADER_H
#define AUTH_TRUSTED_HEADER_H

#include <pivot/plugin.h>

/** The backend the plugin registers. */
extern const pivot_auth_backend th_backend;

/** Remembers the host table for the backend's later calls; call from pivot_plugin_init. */
void th_backend_init(const pivot_host *host);

#endif
