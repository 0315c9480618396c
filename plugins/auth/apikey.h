/* The "apikey" auth backend: keys sent in the X-API-Key header. */
#ifndef AUTH_APIKEY_H
#define AUTH_APIKEY_H

#include <pivot/plugin.h>

/** The backend the plugin registers. */
extern const pivot_auth_backend ak_backend;

/** Remembers the host table for the backend's later calls; call from pivot_plugin_init. */
void ak_backend_init(const pivot_host *host);

#endif
