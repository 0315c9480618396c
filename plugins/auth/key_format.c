/* Making, checking and hashing the text of API keys. */
#include "key_format.h"

#include <pivot/common.h>
#include <string.h>

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Encodes n bytes as base64url without padding; returns the characters written. */
static size_t encode_b64url(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0, i = 0;

    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        out[o++] = b64url[v >> 18 & 63];
        out[o++] = b64url[v >> 12 & 63];
        out[o++] = b64url[v >> 6 & 63];
        out[o++] = b64url[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)in[i] << 16;
        out[o++] = b64url[v >> 18 & 63];
        out[o++] = b64url[v >> 12 & 63];
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
        out[o++] = b64url[v >> 18 & 63];
        out[o++] = b64url[v >> 12 & 63];
        out[o++] = b64url[v >> 6 & 63];
    }
    return o;
}

static int is_b64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static int all_b64url(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_b64url(s[i]))
            return 0;
    }
    return 1;
}

void ak_key_format(const uint8_t id_bytes[AK_ID_BYTES], const uint8_t secret_bytes[AK_SECRET_BYTES],
                   char key[AK_KEY_LEN + 1], char id[AK_ID_LEN + 1])
{
    char *p = key;

    memcpy(p, AK_KEY_PREFIX, AK_PREFIX_LEN);
    p += AK_PREFIX_LEN;
    p += encode_b64url(id_bytes, AK_ID_BYTES, p);
    *p++ = '_';
    p += encode_b64url(secret_bytes, AK_SECRET_BYTES, p);
    *p = '\0';
    memcpy(id, key + AK_PREFIX_LEN, AK_ID_LEN);
    id[AK_ID_LEN] = '\0';
}

int ak_key_parse(const char *text, size_t len, char id[AK_ID_LEN + 1])
{
    /* The id may itself contain '_' (it is base64url), so the separator is
     * found by position, never by searching. */
    const char *id_at, *secret_at;

    if (text == NULL || len != AK_KEY_LEN || memcmp(text, AK_KEY_PREFIX, AK_PREFIX_LEN) != 0)
        return PIVOT_EINVAL;
    id_at = text + AK_PREFIX_LEN;
    secret_at = id_at + AK_ID_LEN + 1;
    if (!all_b64url(id_at, AK_ID_LEN) || id_at[AK_ID_LEN] != '_' ||
        !all_b64url(secret_at, AK_SECRET_LEN))
        return PIVOT_EINVAL;
    memcpy(id, id_at, AK_ID_LEN);
    id[AK_ID_LEN] = '\0';
    return 0;
}

int ak_key_hash(const EVP_MD *sha256, const char *key, size_t len, uint8_t out[AK_HASH_LEN])
{
    unsigned int outlen = 0;

    if (EVP_Digest(key, len, out, &outlen, sha256, NULL) != 1 || outlen != AK_HASH_LEN)
        return PIVOT_EIO;
    return 0;
}
