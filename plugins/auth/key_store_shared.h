/*
 * The api keys kept by the host for every node of a cluster (the shared
 * job store's auth_api_keys, pivot/auth.h's pivot_key_store), behind the
 * same calls as the plugin's own file (key_store.h), which forwards to
 * these when it was opened with ak_store_open_shared().
 */
#ifndef AUTH_KEY_STORE_SHARED_H
#define AUTH_KEY_STORE_SHARED_H

#include "key_store.h"

#include <pivot/auth.h>

int ak_shared_find(const pivot_key_store *ks, const char *id, ak_key_row *row, char *err,
                   size_t errlen);
int ak_shared_touch(const pivot_key_store *ks, const char *id, int64_t now, int64_t interval,
                    char *err, size_t errlen);
int ak_shared_insert(const pivot_key_store *ks, const char *id, const uint8_t hash[AK_HASH_LEN],
                     const char *user, const char *role, const char *label, int64_t expires_at,
                     int64_t now, char *err, size_t errlen);
int ak_shared_list(const pivot_key_store *ks, ak_list_fn visit, void *arg, char *err,
                   size_t errlen);
int ak_shared_revoke(const pivot_key_store *ks, const char *id, int64_t now, char *err,
                     size_t errlen);

#endif
