/* The quick-look preview (core/export/preview.c): bucket boundaries over
 * the range, min and max per bucket, nulls, NaN and times outside the range
 * passed over, non-numeric signals left out, the file's exact lines. */
#include "check.h"
#include "preview.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *read_all(const char *path)
{
    FILE *f = fopen(path, "r");
    static char buf[8192];
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    return buf;
}

int main(void)
{
    char path[] = "/tmp/pivot-preview-XXXXXX";
    char err[256] = "";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);

    /* 10 ns over 4 points: buckets of 3 ns (rounded up), so 4 buckets
     * [0,3) [3,6) [6,9) [9,12), the last reaching past the end. */
    pivot_range range = {100, 110};
    pv_preview *pv = pv_preview_open(path, range, 4, 0, err, sizeof(err));
    CHECK(pv != NULL);
    pivot_signal_info sigs[] = {
        {"x", PIVOT_TYPE_FLOAT64}, {"label", PIVOT_TYPE_STRING}, {"n", PIVOT_TYPE_INT32}};
    CHECK_INT_EQ(pv_preview_begin_channel(pv, "ch\"1", sigs, 3), 0);

    int64_t t[] = {99, 100, 101, 102, 104, 106, 107, 109, 110};
    double x[] = {-50, 1.5, -2.0, 0.25, NAN, 7, 3, 4, 99};
    const char *labels[] = {"a", "b", "c", "d", "e", "f", "g", "h", "i"};
    int32_t n[] = {0, 5, 6, 7, 8, 9, 10, 11, 12};
    uint8_t n_valid[] = {1, 1, 1, 1, 1, 0, 0, 1, 1};
    pivot_column cols[] = {{"x", PIVOT_TYPE_FLOAT64, x},
                           {"label", PIVOT_TYPE_STRING, labels},
                           {"n", PIVOT_TYPE_INT32, n}};
    const uint8_t *valid[] = {NULL, NULL, n_valid};
    pivot_batch b = {sizeof(b), 9, t, 3, cols, valid};
    pv_preview_add(pv, &b);
    CHECK_INT_EQ(pv_preview_end_channel(pv), 0);
    CHECK_INT_EQ(pv_preview_close(pv), 0);

    /* x: 99 and 110 lie outside, NaN at 104 leaves bucket 1 empty.
     * n: 106 and 107 are null, so bucket 2 is empty for it. */
    CHECK_STR_EQ(read_all(path),
                 "{\"preview_version\":1,\"start_ns\":100,\"end_ns\":110,\"bucket_ns\":3,"
                 "\"points\":4}\n"
                 "{\"channel\":\"ch\\\"1\",\"signal\":\"x\",\"bucket\":[0,2,3],"
                 "\"min\":[-2,3,4],\"max\":[1.5,7,4]}\n"
                 "{\"channel\":\"ch\\\"1\",\"signal\":\"n\",\"bucket\":[0,1,3],"
                 "\"min\":[5,8,11],\"max\":[7,8,11]}\n");

    /* Rows out of time order still land in their own buckets. */
    pv = pv_preview_open(path, range, 4, 0, err, sizeof(err));
    CHECK(pv != NULL);
    CHECK_INT_EQ(pv_preview_begin_channel(pv, "c", sigs, 1), 0);
    int64_t t2[] = {109, 100, 105, 101, 103};
    double x2[] = {1, 2, 3, 4, 5};
    pivot_column col2 = {"x", PIVOT_TYPE_FLOAT64, x2};
    pivot_batch b2 = {sizeof(b2), 5, t2, 1, &col2, NULL};
    pv_preview_add(pv, &b2);
    CHECK_INT_EQ(pv_preview_end_channel(pv), 0);
    CHECK_INT_EQ(pv_preview_close(pv), 0);
    CHECK(strstr(read_all(path), "\"bucket\":[0,1,3],\"min\":[2,3,1],\"max\":[4,5,1]}") != NULL);

    /* A bound the first series would pass: dropped, the file never past it. */
    pv = pv_preview_open(path, range, 4, 120, err, sizeof(err));
    CHECK(pv != NULL);
    CHECK_INT_EQ(pv_preview_begin_channel(pv, "c", sigs, 1), 0);
    pv_preview_add(pv, &b2);
    CHECK_INT_EQ(pv_preview_end_channel(pv), 0);
    CHECK_INT_EQ(pv_preview_close(pv), PIVOT_ERANGE);
    CHECK_STR_EQ(read_all(path), "{\"preview_version\":1,\"start_ns\":100,\"end_ns\":110,"
                                 "\"bucket_ns\":3,\"points\":4}\n");

    /* An empty range has no buckets to make. */
    pivot_range empty = {5, 5};
    CHECK(pv_preview_open(path, empty, 4, 0, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "empty range") != NULL);
    unlink(path);
    return check_report();
}
