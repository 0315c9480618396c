/* The host's shared key store, as key_store.h's calls (see key_store_shared.h). */
#include "key_store_shared.h"

#include <pivot/common.h>
#include <stdio.h>
#include <string.h>

int ak_shared_find(const pivot_key_store *ks, const char *id, ak_key_row *row, char *err,
                   size_t errlen)
{
    pivot_api_key k;
    int rc = ks->find(id, &k, err, errlen);

    if (rc != 0)
        return rc;
    memset(row, 0, sizeof(*row));
    /* Truncating a user name could turn it into another user's: refuse. */
    if (strlen(k.user) >= sizeof(row->user) || strlen(k.role) >= sizeof(row->role)) {
        snprintf(err, errlen, "api key %s has a malformed row", id);
        return PIVOT_EIO;
    }
    memcpy(row->hash, k.hash, AK_HASH_LEN);
    snprintf(row->user, sizeof(row->user), "%s", k.user);
    snprintf(row->role, sizeof(row->role), "%s", k.role);
    row->revoked = k.revoked_at != 0;
    row->has_expiry = k.expires_at != 0;
    row->expires_at = k.expires_at;
    row->has_last_used = k.last_used_at != 0;
    row->last_used_at = k.last_used_at;
    return 0;
}

int ak_shared_touch(const pivot_key_store *ks, const char *id, int64_t now, int64_t interval,
                    char *err, size_t errlen)
{
    return ks->touch(id, now, interval, err, errlen);
}

int ak_shared_insert(const pivot_key_store *ks, const char *id, const uint8_t hash[AK_HASH_LEN],
                     const char *user, const char *role, const char *label, int64_t expires_at,
                     int64_t now, char *err, size_t errlen)
{
    pivot_api_key k = {id, hash, user, role, label, now, 0, expires_at, 0};
    int rc = ks->insert(&k, err, errlen);
    if (rc == PIVOT_EEXIST)
        snprintf(err, errlen, "api key %s already exists", id);
    return rc;
}

typedef struct list_adapter {
    ak_list_fn visit;
    void *arg;
} list_adapter;

static int list_one(void *arg, const pivot_api_key *k)
{
    list_adapter *la = arg;
    ak_key_listing l = {k->id,         k->user,         k->role,       k->label,
                        k->created_at, k->last_used_at, k->expires_at, k->revoked_at};
    return la->visit(la->arg, &l);
}

int ak_shared_list(const pivot_key_store *ks, ak_list_fn visit, void *arg, char *err, size_t errlen)
{
    list_adapter la = {visit, arg};
    return ks->list(list_one, &la, err, errlen);
}

int ak_shared_revoke(const pivot_key_store *ks, const char *id, int64_t now, char *err,
                     size_t errlen)
{
    int rc = ks->revoke(id, now, err, errlen);
    if (rc == PIVOT_ENOENT)
        snprintf(err, errlen, "no api key has the id \"%s\" (pivotd keys list shows them)", id);
    return rc;
}
