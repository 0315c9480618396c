#include <pivot/ip_net.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pivot/common.h>
#include <pivot/grammar.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* IPv4 inside IPv6: ::ffff:a.b.c.d; the 96 bits in front count towards a prefix. */
#define V4_MAPPED_BITS 96

static int address_parse(const char *text, unsigned char bytes[16], int *is_v4)
{
    struct in_addr v4;

    memset(bytes, 0, 16);
    *is_v4 = 0;
    if (inet_pton(AF_INET, text, &v4) == 1) {
        bytes[10] = 0xff;
        bytes[11] = 0xff;
        memcpy(bytes + 12, &v4, 4);
        *is_v4 = 1;
        return 0;
    }
    return inet_pton(AF_INET6, text, bytes) == 1 ? 0 : -1;
}

/* True when the leading bits of a and b agree. */
static int same_prefix(const unsigned char *a, const unsigned char *b, int bits)
{
    int whole = bits / 8, rest = bits % 8;

    if (memcmp(a, b, (size_t)whole) != 0)
        return 0;
    if (rest == 0)
        return 1;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

/* A prefix length is digits only: the integer grammar would take a sign. */
static int prefix_parse(const char *text, int max, int *out)
{
    char why[PIVOT_ERRMSG_SIZE];
    int64_t v;

    if (text[0] < '0' || text[0] > '9' ||
        pivot_int_parse(text, strlen(text), 0, max, &v, why, sizeof(why)) != 0)
        return -1;
    *out = (int)v;
    return 0;
}

int pivot_ip_net_parse(const char *text, int allow_prefix, pivot_ip_net *out)
{
    char addr[INET6_ADDRSTRLEN + 8];
    const char *slash;
    int is_v4 = 0, bits = 0, rc = -1;

    memset(out, 0, sizeof(*out));
    if (text == NULL || strlen(text) >= sizeof(addr))
        goto out;
    slash = strchr(text, '/');
    if (slash != NULL && !allow_prefix)
        goto out;
    snprintf(addr, sizeof(addr), "%.*s", (int)(slash ? (size_t)(slash - text) : strlen(text)),
             text);
    if (address_parse(addr, out->bytes, &is_v4) != 0)
        goto out;
    out->prefix_bits = 128;
    if (slash != NULL) {
        if (prefix_parse(slash + 1, is_v4 ? 32 : 128, &bits) != 0)
            goto out;
        out->prefix_bits = is_v4 ? V4_MAPPED_BITS + bits : bits;
        /* The host bits must be zero: compare the address with itself cut to the prefix. */
        unsigned char cut[16];
        memcpy(cut, out->bytes, sizeof(cut));
        for (int b = out->prefix_bits; b < 128; b++)
            cut[b / 8] &= (unsigned char)~(0x80 >> (b % 8));
        if (memcmp(cut, out->bytes, sizeof(cut)) != 0)
            goto out;
    }
    rc = 0;
out:
    return rc;
}

int pivot_ip_net_contains(const pivot_ip_net *net, const char *peer)
{
    unsigned char bytes[16];
    int is_v4;

    if (peer == NULL || address_parse(peer, bytes, &is_v4) != 0)
        return 0;
    return same_prefix(net->bytes, bytes, net->prefix_bits);
}
