/*
 * The "apikey" backend: validates user names and roles, makes keys, and
 * checks the X-API-Key header of a request against the key store.
 */
#include "apikey.h"

#include "audit_line.h"
#include "key_format.h"
#include "key_store.h"
#include "user_name.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PLUGIN "auth"
#define STORE_FILE "auth.db"
#define LABEL_MAX_LEN 200
/* Recording every use would turn each request into a write; once a minute
 * is precise enough to tell which keys are still in use. */
#define LAST_USED_INTERVAL_S 60
/* The id has 72 random bits; a clash is improbable, a few retries are free. */
#define CREATE_ATTEMPTS 3

/* One message for every refusal, so a client learns nothing about which
 * keys or users exist, nor why a key was refused. */
static const char refused_msg[] = "the X-API-Key header does not hold a valid key";

typedef struct ak_ctx {
    ak_store *store;
    EVP_MD *sha256; /**< fetched once: an implicit fetch per digest is slow */
} ak_ctx;

static const pivot_host *host;

void ak_backend_init(const pivot_host *h)
{
    host = h;
}

/* The plugin's own file in the server's state folder, as its other state
 * files are named: <state_dir>/auth.db. */
static int store_path(char *out, size_t len, char *err, size_t errlen)
{
    const char *state = host != NULL ? host->config_get("state_dir") : NULL;
    int n;

    if (state == NULL || state[0] == '\0') {
        snprintf(err, errlen, "the state folder (state_dir) is not configured");
        return PIVOT_EINVAL;
    }
    n = snprintf(out, len, "%s/" STORE_FILE, state);
    if (n < 0 || (size_t)n >= len) {
        snprintf(err, errlen, "state_dir is too long for the key store's path");
        return PIVOT_ERANGE;
    }
    return 0;
}

static int apikey_open(void **out, char *err, size_t errlen)
{
    char path[4096];
    ak_ctx *ctx = NULL;
    int64_t moved = 0;
    int rc = 0;

    *out = NULL;
    if ((rc = store_path(path, sizeof(path), err, errlen)) != 0)
        goto out;
    ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL) {
        snprintf(err, errlen, "out of memory");
        rc = PIVOT_ENOMEM;
        goto out;
    }
    ctx->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if (ctx->sha256 == NULL) {
        snprintf(err, errlen, "libcrypto provides no SHA-256");
        rc = PIVOT_EIO;
        goto out;
    }
    /* job_store: where the keys were kept before this file existed. */
    /* A cluster's nodes share their keys: the host keeps them then. */
    if (PIVOT_HAS_MEMBER(host, pivot_host, key_store) && host->key_store != NULL &&
        host->key_store() != NULL) {
        rc = ak_store_open_shared(host->key_store(), &ctx->store);
        goto out;
    }
    rc = ak_store_open(path, host->config_get("job_store"), &ctx->store, &moved, err, errlen);
    if (rc == 0 && moved > 0 && host->log != NULL)
        host->log(PIVOT_LOG_INFO, PLUGIN, "moved %lld api keys from the job store into %s",
                  (long long)moved, path);
out:
    if (rc != 0 && ctx != NULL) {
        EVP_MD_free(ctx->sha256);
        free(ctx);
        ctx = NULL;
    }
    *out = ctx;
    return rc;
}

static void apikey_close(void *vctx)
{
    ak_ctx *ctx = vctx;

    if (ctx == NULL)
        return;
    ak_store_close(ctx->store);
    EVP_MD_free(ctx->sha256);
    free(ctx);
}

static int refuse(const char *id, const char *why, const pivot_auth_request *req, char *err,
                  size_t errlen)
{
    /* The reason goes to the server log only (an audit line); the id is
     * public, the key itself is never written anywhere. */
    auth_audit(host, PIVOT_LOG_WARNING, "auth-failure", req->peer_addr, id, "%s", why);
    snprintf(err, errlen, "%s", refused_msg);
    return PIVOT_EACCES;
}

static int apikey_authenticate(void *vctx, const pivot_auth_request *req, pivot_principal *who,
                               char *err, size_t errlen)
{
    ak_ctx *ctx = vctx;
    size_t len = 0;
    const char *text = req->header(req, "x-api-key", &len);
    char id[AK_ID_LEN + 1];
    uint8_t hash[AK_HASH_LEN];
    char msg[PIVOT_ERRMSG_SIZE] = "";
    ak_key_row row;
    int64_t now;
    int rc = 0;

    if (text == NULL) {
        rc = PIVOT_ENOENT;
        goto out;
    }
    if (ak_key_parse(text, len, id) != 0) {
        rc = refuse(NULL, "malformed", req, err, errlen);
        goto out;
    }
    /* The public id names the key in the host's audit line, refused or not. */
    auth_credential(who, id);
    if (ak_key_hash(ctx->sha256, text, len, hash) != 0) {
        snprintf(err, errlen, "cannot hash the api key");
        rc = PIVOT_EIO;
        goto out;
    }
    /* Found by its public id, then compared in constant time: how long the
     * check takes tells nothing about how much of the secret was right. */
    rc = ak_store_find(ctx->store, id, &row, msg, sizeof(msg));
    if (rc == PIVOT_ENOENT) {
        rc = refuse(id, "unknown id", req, err, errlen);
        goto out;
    }
    if (rc != 0) {
        if (host->log != NULL)
            host->log(PIVOT_LOG_ERROR, PLUGIN, "%s", msg);
        snprintf(err, errlen, "the key store cannot be read");
        rc = PIVOT_EIO;
        goto out;
    }
    if (CRYPTO_memcmp(row.hash, hash, AK_HASH_LEN) != 0) {
        rc = refuse(id, "wrong secret", req, err, errlen);
        goto out;
    }
    now = (int64_t)time(NULL);
    if (row.revoked) {
        rc = refuse(id, "revoked", req, err, errlen);
        goto out;
    }
    if (row.has_expiry && row.expires_at <= now) {
        rc = refuse(id, "expired", req, err, errlen);
        goto out;
    }
    memcpy(who->user, row.user, sizeof(who->user));
    memcpy(who->role, row.role, sizeof(who->role));
    if (!row.has_last_used || now - row.last_used_at >= LAST_USED_INTERVAL_S) {
        /* Best effort: a busy store must not turn a valid key away. */
        if (ak_store_touch(ctx->store, id, now, LAST_USED_INTERVAL_S, msg, sizeof(msg)) != 0 &&
            host->log != NULL)
            host->log(PIVOT_LOG_WARNING, PLUGIN, "%s", msg);
    }
out:
    return rc;
}

/* Labels are shown by `pivotd keys list`, one line per key. */
static int label_valid(const char *label)
{
    size_t n = 0;

    if (label == NULL)
        return 1;
    for (; label[n] != '\0'; n++) {
        if (n >= LABEL_MAX_LEN || (unsigned char)label[n] < 0x20 || label[n] == 0x7f)
            return 0;
    }
    return 1;
}

static int apikey_create_key(void *vctx, const char *user, const char *role, const char *label,
                             int64_t expires_at, char *secret, size_t secretlen, char *id_out,
                             size_t idlen, char *err, size_t errlen)
{
    ak_ctx *ctx = vctx;
    uint8_t random[AK_ID_BYTES + AK_SECRET_BYTES];
    char key[AK_KEY_LEN + 1], id[AK_ID_LEN + 1];
    uint8_t hash[AK_HASH_LEN];
    int64_t now = (int64_t)time(NULL);
    int rc = 0;

    if (secret != NULL && secretlen > 0)
        secret[0] = '\0';
    if (role == NULL)
        role = "user";
    if (user == NULL || !ak_user_valid(user, strlen(user))) {
        snprintf(err, errlen,
                 "user names are 1 to %d characters among letters, digits and . _ @ + -",
                 AK_USER_MAX_LEN);
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (strcmp(role, "user") != 0 && strcmp(role, "admin") != 0) {
        snprintf(err, errlen, "role \"%s\" is neither \"user\" nor \"admin\"", role);
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (!label_valid(label)) {
        snprintf(err, errlen, "a label is at most %d characters, without control characters",
                 LABEL_MAX_LEN);
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (expires_at < 0 || (expires_at != 0 && expires_at <= now)) {
        snprintf(err, errlen, "the expiry must lie in the future");
        rc = PIVOT_EINVAL;
        goto out;
    }
    if (secret == NULL || secretlen < sizeof(key)) {
        snprintf(err, errlen, "a key needs a buffer of %zu bytes", sizeof(key));
        rc = PIVOT_ERANGE;
        goto out;
    }
    for (int attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
        if (host->random_bytes(random, sizeof(random)) != 0) {
            snprintf(err, errlen, "no random bytes to make a key from");
            rc = PIVOT_EIO;
            goto out;
        }
        ak_key_format(random, random + AK_ID_BYTES, key, id);
        if (ak_key_hash(ctx->sha256, key, AK_KEY_LEN, hash) != 0) {
            snprintf(err, errlen, "cannot hash the api key");
            rc = PIVOT_EIO;
            goto out;
        }
        rc = ak_store_insert(ctx->store, id, hash, user, role, label, expires_at, now, err, errlen);
        if (rc != PIVOT_EEXIST)
            break;
    }
    if (rc != 0)
        goto out;
    memcpy(secret, key, sizeof(key));
    if (id_out != NULL && idlen > 0)
        snprintf(id_out, idlen, "%s", id);
    if (host->log != NULL)
        host->log(PIVOT_LOG_INFO, PLUGIN, "created api key %s for user %s (role %s)", id, user,
                  role);
out:
    /* Only the caller's copy of the key may outlive this call. */
    OPENSSL_cleanse(random, sizeof(random));
    OPENSSL_cleanse(key, sizeof(key));
    return rc;
}

typedef struct list_visit {
    int (*visit)(void *arg, const pivot_key_info *key);
    void *arg;
} list_visit;

static int list_one(void *arg, const ak_key_listing *k)
{
    list_visit *lv = arg;
    pivot_key_info info = {sizeof(info),  k->id,           k->user,       k->role,      k->label,
                           k->created_at, k->last_used_at, k->expires_at, k->revoked_at};
    return lv->visit(lv->arg, &info);
}

static int apikey_list_keys(void *vctx, int (*visit)(void *arg, const pivot_key_info *key),
                            void *arg, char *err, size_t errlen)
{
    ak_ctx *ctx = vctx;
    list_visit lv = {visit, arg};
    return ak_store_list(ctx->store, list_one, &lv, err, errlen);
}

static int apikey_revoke_key(void *vctx, const char *id, char *err, size_t errlen)
{
    ak_ctx *ctx = vctx;
    int rc = ak_store_revoke(ctx->store, id, (int64_t)time(NULL), err, errlen);
    if (rc == 0 && host->log != NULL)
        host->log(PIVOT_LOG_INFO, PLUGIN, "revoked api key %s", id);
    return rc;
}

const pivot_auth_backend ak_backend = {
    .size = sizeof(pivot_auth_backend),
    .name = "apikey",
    .open = apikey_open,
    .close = apikey_close,
    .authenticate = apikey_authenticate,
    .create_key = apikey_create_key,
    .list_keys = apikey_list_keys,
    .revoke_key = apikey_revoke_key,
};
