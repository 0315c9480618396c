/*
 * The decimation of a job as root attributes of its HDF5 file: the method
 * and the bucket size given, and none of them when the job is not
 * decimated. hdf5_exporter_types_check.py reads
 * the decimated files with h5py.
 *
 * usage: test_hdf5_exporter_decimation <path of hdf5.so> <output directory>
 */
#include "check.h"
#include "test_hdf5_exporter_host.h"
#include "test_hdf5_exporter_support.h"

#include <unistd.h>

/* 2025-01-23T14:30:00Z */
#define T0 INT64_C(1737642600000000000)

static const char *const decimation_attrs[] = {"decimation_method", "decimation_factor",
                                               "decimation_interval_ns", "decimation_interval_iso"};
#define NDECIMATION_ATTRS (sizeof(decimation_attrs) / sizeof(decimation_attrs[0]))

/* Writes an export without channels from info, then returns the file opened read-only. */
static hid_t write_empty(const pivot_exporter *e, const char *path, const pivot_export_info *info)
{
    const pivot_export_summary sum = {sizeof(sum), 0, 0, {0, 0}};
    char err[PIVOT_ERRMSG_SIZE] = "";
    void *exp = NULL;

    unlink(path);
    CHECK_INT_EQ(e->open(path, info, &exp, err, sizeof(err)), 0);
    if (exp != NULL)
        CHECK_INT_EQ(e->close(exp, &sum, err, sizeof(err)), 0);
    return H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
}

/* The decimation attributes of the root, and their absence when not decimated. */
static void check_decimation(const pivot_exporter *e, const char *dir)
{
    pivot_export_info info = tx_export_info("job-decimation", T0, T0 + 1);
    char path[4096];
    int64_t value[1] = {0};
    size_t n = 0;
    hid_t f;

    info.decimation_method = "mean";
    info.decimation_interval_ns = INT64_C(1500000000);
    snprintf(path, sizeof(path), "%s/decimated_interval.h5", dir);
    f = write_empty(e, path, &info);
    CHECK_STR_EQ(tx_attr_text(f, ".", "decimation_method"), "mean");
    CHECK_INT_EQ(tx_attr_type_is(f, ".", "decimation_interval_ns", H5T_STD_I64LE), 1);
    CHECK_INT_EQ(tx_attr_int64s(f, ".", "decimation_interval_ns", value, 1, &n), 0);
    CHECK_INT_EQ(value[0], INT64_C(1500000000));
    CHECK_STR_EQ(tx_attr_text(f, ".", "decimation_interval_iso"), "PT1.5S");
    CHECK_INT_EQ(tx_attr_exists(f, ".", "decimation_factor"), 0);
    H5Fclose(f);

    info.decimation_method = "minmax";
    info.decimation_interval_ns = 0;
    info.decimation_factor = 10;
    snprintf(path, sizeof(path), "%s/decimated_factor.h5", dir);
    f = write_empty(e, path, &info);
    CHECK_STR_EQ(tx_attr_text(f, ".", "decimation_method"), "minmax");
    CHECK_INT_EQ(tx_attr_type_is(f, ".", "decimation_factor", H5T_STD_U64LE), 1);
    CHECK_INT_EQ(tx_attr_int64s(f, ".", "decimation_factor", value, 1, &n), 0);
    CHECK_INT_EQ(value[0], 10);
    CHECK_INT_EQ(tx_attr_exists(f, ".", "decimation_interval_ns"), 0);
    CHECK_INT_EQ(tx_attr_exists(f, ".", "decimation_interval_iso"), 0);
    H5Fclose(f);

    /* Not decimated: a stray factor means nothing without a method. */
    info.decimation_method = NULL;
    info.decimation_factor = 5;
    snprintf(path, sizeof(path), "%s/not_decimated.h5", dir);
    f = write_empty(e, path, &info);
    for (size_t i = 0; i < NDECIMATION_ATTRS; i++)
        CHECK_INT_EQ(tx_attr_exists(f, ".", decimation_attrs[i]), 0);
    H5Fclose(f);
    CHECK_INT_EQ(unlink(path), 0);
}

int main(int argc, char **argv)
{
    const pivot_exporter *e;

    if (argc != 3) {
        fprintf(stderr, "usage: %s <hdf5.so> <output directory>\n", argv[0]);
        return 2;
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    e = tx_load_exporter(argv[1]);
    CHECK(e != NULL);
    if (e != NULL)
        check_decimation(e, argv[2]);
    return check_report();
}
