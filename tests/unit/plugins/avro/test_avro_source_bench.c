/*
 * Throughput probe of the avro source: scans every signal of one channel
 * over its whole time range on the calling thread (one core) and prints
 * records per second. Not a test.
 *
 * Usage: test_avro_source_bench [--speeddata-root DIR] [--floor]
 *                               <avro.so> <data_dir> <channel> [repeats]
 *
 * --speeddata-root gives the plugin the setting speeddata.root, which names
 * the schemas of header-less relay files. --floor also prints what the same
 * bytes cost without decoding: read() of every file of the channel into a
 * 1 MiB buffer, alone and with each block's framing walked (two varints,
 * then a memcmp of the 16-byte marker after the datum), which is the least
 * any reader of relay files does per record.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pivot/plugin.h>
#include <pivot/test_host.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (1024 * 1024)
#define MARKER_SIZE 16

static const pivot_source *source;
static const char *speeddata_root;

static const uint8_t relay_marker[MARKER_SIZE] = {0xa4, 0x8a, 0x1e, 0x90, 0x05, 0x04, 0x24, 0x78,
                                                  0x0a, 0x68, 0x33, 0x7f, 0xc2, 0x50, 0x95, 0x63};

static int count_batch(void *arg, const pivot_batch *b)
{
    *(size_t *)arg += b->count;
    return 0;
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* This thread's CPU time: on a machine shared with other work, the figure
 * that says what one core does, whatever the wall clock lost waiting. */
static double cpu_now(void)
{
    return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

/* One varint of a block header at p; NULL when it does not end before `end`. */
static const uint8_t *skip_varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
    int shift = 0;

    *v = 0;
    while (p < end && shift < 64) {
        *v |= (uint64_t)(*p & 0x7f) << shift;
        shift += 7;
        if (!(*p++ & 0x80)) {
            *v >>= 1; /* zig-zag of a non-negative value */
            return p;
        }
    }
    return NULL;
}

/*
 * Reads one file with read() into buf; with `frame`, walks its relay blocks
 * (count, size, datum, marker), carrying a block cut by the buffer's end
 * over to the next read. Adds the blocks whose marker matched to *blocks.
 * Returns the bytes read, or -1.
 */
static long long floor_file(const char *path, uint8_t *buf, int frame, size_t *blocks)
{
    size_t have = 0;
    long long total = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return -1;
    for (;;) {
        ssize_t n = read(fd, buf + have, CHUNK - have);
        if (n < 0) {
            close(fd);
            return -1;
        }
        total += n;
        have += (size_t)n;
        if (!frame) {
            have = 0;
            if (n == 0)
                break;
            continue;
        }
        const uint8_t *p = buf, *end = buf + have;
        for (;;) {
            uint64_t count, size;
            const uint8_t *q = skip_varint(p, end, &count);
            if (q != NULL)
                q = skip_varint(q, end, &size);
            if (q == NULL || (size_t)(end - q) < size + MARKER_SIZE)
                break;
            if (memcmp(q + size, relay_marker, MARKER_SIZE) != 0)
                break;
            *blocks += 1;
            p = q + size + MARKER_SIZE;
        }
        have = (size_t)(end - p);
        memmove(buf, p, have);
        if (n == 0)
            break;
    }
    close(fd);
    return total;
}

/* The floor over every *.avro file of data_dir/channel; prints one JSON line. */
static int floor_channel(const char *data_dir, const char *channel, int frame)
{
    char dir[4096], path[4096 + 256];
    uint8_t *buf = malloc(CHUNK);
    size_t blocks = 0;
    long long bytes = 0;
    DIR *d;
    struct dirent *e;
    double t0, c0, dt, dc;

    snprintf(dir, sizeof(dir), "%s/%s", data_dir, channel);
    d = opendir(dir);
    if (d == NULL || buf == NULL) {
        fprintf(stderr, "floor: cannot read %s\n", dir);
        if (d != NULL)
            closedir(d);
        free(buf);
        return -1;
    }
    t0 = now();
    c0 = cpu_now();
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 5, ".avro") != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        long long n = floor_file(path, buf, frame, &blocks);
        if (n < 0) {
            fprintf(stderr, "floor: cannot read %s\n", path);
            closedir(d);
            free(buf);
            return -1;
        }
        bytes += n;
    }
    dt = now() - t0;
    dc = cpu_now() - c0;
    closedir(d);
    free(buf);
    if (frame)
        printf("{\"floor\":\"read+frames\",\"bytes\":%lld,\"blocks\":%zu,\"elapsed_s\":%.3f,"
               "\"cpu_s\":%.3f,\"blocks_per_s\":%.0f,\"blocks_per_cpu_s\":%.0f,"
               "\"mb_per_cpu_s\":%.0f}\n",
               bytes, blocks, dt, dc, blocks / dt, blocks / dc, bytes / dc / 1e6);
    else
        printf("{\"floor\":\"read\",\"bytes\":%lld,\"elapsed_s\":%.3f,\"cpu_s\":%.3f,"
               "\"mb_per_cpu_s\":%.0f}\n",
               bytes, dt, dc, bytes / dc / 1e6);
    return 0;
}

int main(int argc, char **argv)
{
    char err[PIVOT_ERRMSG_SIZE] = "";
    pivot_channel_info *info = NULL;
    const char **names = NULL;
    void *ctx = NULL;
    int floor = 0, repeats, a = 1;
    int rc = 1;

    for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
        if (strcmp(argv[a], "--floor") == 0)
            floor = 1;
        else if (strcmp(argv[a], "--speeddata-root") == 0 && a + 1 < argc)
            speeddata_root = argv[++a];
        else
            break;
    }
    if (argc - a < 3) {
        fprintf(stderr,
                "usage: %s [--speeddata-root DIR] [--floor] <avro.so> <data_dir> <channel> "
                "[repeats]\n",
                argv[0]);
        return 2;
    }
    repeats = argc - a > 3 ? atoi(argv[a + 3]) : 3;
    if (speeddata_root != NULL)
        pivot_test_host_set("speeddata.root", speeddata_root);
    pivot_test_host_echo_log(PIVOT_LOG_WARNING);
    if (pivot_test_host_load_file(argv[a], NULL, err, sizeof(err)) != 0 ||
        (source = pivot_test_host_source("avro")) == NULL ||
        source->open(argv[a + 1], &ctx, err, sizeof(err)) != 0 ||
        source->describe(ctx, argv[a + 2], &info, err, sizeof(err)) != 0) {
        fprintf(stderr, "setup: %s\n", err);
        goto out;
    }
    names = calloc(info->nsignals + 1, sizeof(*names));
    for (size_t i = 0; i < info->nsignals; i++)
        names[i] = info->signals[i].name;
    for (int r = 0; r < repeats; r++) {
        size_t records = 0;
        pivot_scan_sink sink = {sizeof(pivot_scan_sink), &records, count_batch, NULL};
        pivot_range all = {INT64_MIN, INT64_MAX};
        double t0 = now(), c0 = cpu_now(), dt, dc;

        if (source->scan(ctx, argv[a + 2], names, info->nsignals, all, &sink, err, sizeof(err)) !=
            0) {
            fprintf(stderr, "scan: %s\n", err);
            goto out;
        }
        dt = now() - t0;
        dc = cpu_now() - c0;
        printf("{\"records\":%zu,\"signals\":%zu,\"elapsed_s\":%.3f,\"cpu_s\":%.3f,"
               "\"records_per_s\":%.0f,\"records_per_cpu_s\":%.0f}\n",
               records, info->nsignals, dt, dc, records / dt, records / dc);
        if (floor && (floor_channel(argv[a + 1], argv[a + 2], 0) != 0 ||
                      floor_channel(argv[a + 1], argv[a + 2], 1) != 0))
            goto out;
    }
    rc = 0;
out:
    free(names);
    if (info != NULL)
        source->free_info(ctx, info);
    if (ctx != NULL)
        source->close(ctx);
    return rc;
}
