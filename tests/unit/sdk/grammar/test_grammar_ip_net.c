/*
 * The auth backends' address lists (sdk/grammar/ip_net.c): single
 * addresses and networks of both families, IPv4 seen through a dual-stack
 * socket, and the spellings that are refused.
 */
#include "check.h"
#include <pivot/ip_net.h>

static int contains(const char *net_text, const char *peer)
{
    pivot_ip_net net;
    if (pivot_ip_net_parse(net_text, 1, &net) != 0)
        return -1;
    return pivot_ip_net_contains(&net, peer);
}

static void test_networks(void)
{
    CHECK_INT_EQ(contains("127.0.0.0/8", "127.0.0.1"), 1);
    CHECK_INT_EQ(contains("127.0.0.0/8", "127.255.255.254"), 1);
    CHECK_INT_EQ(contains("127.0.0.0/8", "128.0.0.1"), 0);
    CHECK_INT_EQ(contains("127.0.0.0/8", "::ffff:127.0.0.2"), 1);
    CHECK_INT_EQ(contains("127.0.0.0/8", "::1"), 0);
    CHECK_INT_EQ(contains("10.1.2.0/23", "10.1.3.255"), 1);
    CHECK_INT_EQ(contains("10.1.2.0/23", "10.1.4.0"), 0);
    CHECK_INT_EQ(contains("0.0.0.0/0", "192.0.2.7"), 1);
    CHECK_INT_EQ(contains("0.0.0.0/0", "2001:db8::1"), 0);
    CHECK_INT_EQ(contains("127.0.0.1", "127.0.0.1"), 1);
    CHECK_INT_EQ(contains("127.0.0.1", "127.0.0.2"), 0);
    CHECK_INT_EQ(contains("127.0.0.1/32", "127.0.0.2"), 0);
    CHECK_INT_EQ(contains("::1", "::1"), 1);
    CHECK_INT_EQ(contains("::1", "::2"), 0);
    CHECK_INT_EQ(contains("fd00::/8", "fdab:1::9"), 1);
    CHECK_INT_EQ(contains("fd00::/8", "fe80::1"), 0);
    CHECK_INT_EQ(contains("2001:db8::/33", "2001:db8:7fff::1"), 1);
    CHECK_INT_EQ(contains("2001:db8::/33", "2001:db8:8000::1"), 0);
    CHECK_INT_EQ(contains("::/0", "2001:db8::1"), 1);
    /* Peers the host could not name match nothing. */
    CHECK_INT_EQ(contains("0.0.0.0/0", ""), 0);
    CHECK_INT_EQ(contains("0.0.0.0/0", "?"), 0);
}

static void test_refused(void)
{
    const char *bad[] = {
        "127.0.0.1/8",  "127.0.0.0/33", "127.0.0.0/", "127.0.0.0/-1", "127.0.0.0/+8",
        "127.0.0.0/8x", "::1/0",        "fd00::1/8",  "localhost",    "",
        "127.0.0",      "1.2.3.4.5"};
    pivot_ip_net net;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = pivot_ip_net_parse(bad[i], 1, &net);
        if (rc == 0)
            fprintf(stderr, "accepted \"%s\"\n", bad[i]);
        CHECK_INT_EQ(rc, -1);
    }
    CHECK_INT_EQ(pivot_ip_net_parse(NULL, 1, &net), -1);
    /* A proxy is one address: no networks where they are not allowed. */
    CHECK_INT_EQ(pivot_ip_net_parse("127.0.0.0/8", 0, &net), -1);
    CHECK_INT_EQ(pivot_ip_net_parse("127.0.0.1", 0, &net), 0);
    CHECK_INT_EQ(net.prefix_bits, 128);
}

int main(void)
{
    test_networks();
    test_refused();
    return check_report();
}
