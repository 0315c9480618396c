/*
 * The text of an API key: "pvk_" + a 12-character public id + "_" + a
 * 43-character secret, both base64url without padding. The id names a key
 * without revealing it; the secret carries 256 bits of entropy.
 */
#ifndef AUTH_KEY_FORMAT_H
#define AUTH_KEY_FORMAT_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#define AK_KEY_PREFIX "pvk_"
#define AK_PREFIX_LEN 4
#define AK_ID_BYTES 9      /**< random bytes behind the public id */
#define AK_ID_LEN 12       /**< base64url characters of the public id */
#define AK_SECRET_BYTES 32 /**< random bytes behind the secret */
#define AK_SECRET_LEN 43   /**< base64url characters of the secret */
#define AK_KEY_LEN (AK_PREFIX_LEN + AK_ID_LEN + 1 + AK_SECRET_LEN)
#define AK_HASH_LEN 32 /**< SHA-256 */

/**
 * Writes the key made of id_bytes and secret_bytes, NUL-terminated, into
 * key (AK_KEY_LEN + 1 bytes) and its public id into id (AK_ID_LEN + 1).
 */
void ak_key_format(const uint8_t id_bytes[AK_ID_BYTES], const uint8_t secret_bytes[AK_SECRET_BYTES],
                   char key[AK_KEY_LEN + 1], char id[AK_ID_LEN + 1]);

/**
 * Returns 0 and copies the public id, NUL-terminated, when the len bytes
 * at text form a well-shaped key; PIVOT_EINVAL otherwise.
 */
int ak_key_parse(const char *text, size_t len, char id[AK_ID_LEN + 1]);

/** Writes the SHA-256 of the len bytes at key into out; returns 0 or PIVOT_EIO. */
int ak_key_hash(const EVP_MD *sha256, const char *key, size_t len, uint8_t out[AK_HASH_LEN]);

#endif
