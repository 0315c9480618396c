/* A job's error as its client reads it: one line, no server path, no address. */
#include "check.h"
#include "client_text.h"

static void check_text(const char *in, const char *want)
{
    char out[256];
    pv_client_text(in, out, sizeof(out));
    CHECK_STR_EQ(out, want);
}

int main(void)
{
    char small[8];

    check_text("reading data_1.avro failed: bad block", "reading data_1.avro failed: bad block");
    /* An HDF5 record as a plugin might pass it on. */
    check_text("H5Dwrite failed: file write failed: time = Fri Dec  4 2026\n, filename = "
               "'/srv/pivot/results/abc.h5.part', errno = 28",
               "H5Dwrite failed: file write failed: time = Fri Dec  4 2026");
    check_text("file '/srv/pivot/results/abc.h5.part', buf = 0x7f4ed19454b0, size = 7008",
               "file 'abc.h5.part', buf = (address), size = 7008");
    check_text("opening /data/cache/ch000/data_1.avro: No such file",
               "opening data_1.avro: No such file");
    /* Hexadecimal inside a word is not an address; a trailing slash leaves nothing. */
    check_text("id ab0x12 in /tmp/", "id ab0x12 in");
    check_text("", "");
    pv_client_text("a very long line", small, sizeof(small));
    CHECK_STR_EQ(small, "a very");
    return check_report();
}
