/*
 * IP addresses and networks as the auth backends and metrics.allow configure them: "127.0.0.1",
 * "::1", "127.0.0.0/8", "fd00::/8". IPv4 is kept as IPv4-mapped IPv6, so
 * "127.0.0.1" and "::ffff:127.0.0.1" (a peer on a dual-stack socket) are the
 * same address.
 */
#ifndef PIVOT_IP_NET_H
#define PIVOT_IP_NET_H

/** An address and how many of its leading bits a peer must share with it. */
typedef struct pivot_ip_net {
    unsigned char bytes[16];
    int prefix_bits; /**< 0..128; 128: this one address */
} pivot_ip_net;

/**
 * Parses text into *out. With allow_prefix, a "/bits" suffix names a network
 * (0..32 for IPv4, 0..128 for IPv6); without, only single addresses are
 * accepted. Bits beyond the prefix must be zero, so a typo such as
 * 127.0.0.1/8 is refused rather than read as a wider net than meant.
 * Returns 0 or -1.
 */
int pivot_ip_net_parse(const char *text, int allow_prefix, pivot_ip_net *out);

/** True when the peer address text (as the host reports it) lies in net. */
int pivot_ip_net_contains(const pivot_ip_net *net, const char *peer);

#endif
