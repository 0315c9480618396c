/*
 * pivot-gen-avro: fast, deterministic synthetic telemetry in Avro Object
 * Container Files, or in the header-less block files of SpeedData's C relay
 * (--format relay), for demos, tests and benchmarks of the Avro -> HDF5 export.
 *
 * Layout: OUT/ch<c>/data_<unix_start_seconds>.avro, c zero-padded to three
 * digits, one directory per channel and a new file every --file-seconds of data.
 *
 * --format relay writes what SpeedData's relay writes: no header, and per
 * record one block of count (1), byte size, the datum and the fixed marker
 * a4 8a 1e 90 05 04 24 78 0a 68 33 7f c2 50 95 63. Its schema goes into
 * <channel>.avsc files (--write-avsc DIR), or --speeddata-root ROOT lays out a
 * SpeedData installation: ROOT/data/<channel>/, ROOT/config/agents/<channel>.avsc,
 * ROOT/config/relay.yaml and ROOT/config/global.yaml.
 *
 * --shape signals (the default), record speeddata.bench.data, fields in this order:
 *   time     long    ns since the Unix epoch ("logicalType":"timestamp-nanos")
 *   sig0..sigK-1     double
 *   counter  int
 *   mode     string  only with --with-mode
 *
 * Values are a pure function of the channel index c and the sample index i
 * (0-based, counted from --start across all files of the channel), so a reader
 * can verify an export without the input:
 *   time[i]    = start_ns + (i * 1000000000) // rate      (exact integers)
 *   t          = i / rate                                 (double division)
 *   sig_k[i]   = (k + 1) * sin(w_k * t + 0.1 * c),  w_k = 2*pi * 0.5 * (k + 1)
 *   counter[i] = i & 0x7fffffff
 *   mode[i]    = MODES[(i // (10 * rate)) % 4],  MODES = idle, ramp, hold, vent
 *
 * --shape example, the fields of SpeedData's config/agents/example.avsc
 * (record speeddata.example.data):
 *   time        long    as above
 *   message     string  WORDS[i % 8], WORDS = alpha, bravo, charlie, delta, echo,
 *                       foxtrot, golf, hotel
 *   counter     int     i & 0x7fffffff
 *   sine_wave   double  sin(2*pi * i / 20.0 + 0.1 * c)
 *   ramp        double  (i % 40) / 40.0 * 2.0 - 1.0
 *   square_wave double  1.0 if i % 20 < 10 else -1.0
 *   noise       double  (splitmix64 of state (c << 32) ^ i) >> 11) * 2^-53 - 0.5
 * Doubles are evaluated in exactly this order in IEEE double with the C
 * library's sin(), which is what Python's math.sin calls.
 *
 * Without --with-mode the files are byte-identical to those of the reference
 * Python generator (gen_avro.py) given the same arguments: the sync marker is
 * splitmix64 of (channel, file start), blocks are cut every --block-records
 * records or when they reach 64000 bytes, and deflate blocks are
 * zlib.compress(data)[2:-1].
 */
#include "gen_avro_channel.h"
#include "gen_avro_speeddata.h"
#include "gen_avro_time.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EXIT_USAGE 2
#define MAX_RATE 1000000000LL
#define MAX_SIGNALS 100000

static const char usage_line[] =
    "usage: pivot-gen-avro (--out DIR | --speeddata-root DIR) --channels N --seconds S --rate HZ\n"
    "                      [--format ocf|relay] [--shape signals|example] [--signals K]\n"
    "                      [--with-mode] [--write-avsc DIR] [--start RFC3339]\n"
    "                      [--codec null|deflate] [--file-seconds F] [--block-records B]\n"
    "                      [--first-channel C] [--jobs J]\n";

static const char help_text[] =
    "\n"
    "Writes deterministic synthetic telemetry as Avro Object Container Files, or as\n"
    "the header-less block files of SpeedData's relay:\n"
    "OUT/ch<c>/data_<unix_start_seconds>.avro, one directory per channel.\n"
    "\n"
    "options:\n"
    "  --out DIR            output directory (created if missing)\n"
    "  --speeddata-root DIR lay out a SpeedData installation instead of --out: data in\n"
    "                       DIR/data/<channel>/, schemas in DIR/config/agents/<channel>.avsc,\n"
    "                       DIR/config/relay.yaml (channels, ports from 26000, schemas) and\n"
    "                       DIR/config/global.yaml (storage.avro_path: ./data)\n"
    "  --format F           ocf (default): Avro Object Container Files; relay: what\n"
    "                       SpeedData's C relay writes, no header, one record per block\n"
    "                       (count 1, byte size, datum, fixed 16-byte marker\n"
    "                       a48a1e90050424780a68337fc2509563)\n"
    "  --shape S            signals (default): time, sig0..sig<K-1>, counter[, mode];\n"
    "                       example: the fields of SpeedData's example.avsc (time,\n"
    "                       message, counter, sine_wave, ramp, square_wave, noise)\n"
    "  --write-avsc DIR     also write DIR/<channel>.avsc, the records' schema\n"
    "  --channels N         number of channels\n"
    "  --seconds S          seconds of data per channel\n"
    "  --rate HZ            samples per second (integer Hz)\n"
    "  --signals K          double signals per record (default 4; shape signals)\n"
    "  --start TIME         RFC 3339 time of the first sample, offset optional (UTC),\n"
    "                       fraction kept to the microsecond (default 2025-01-01T00:00:00Z)\n"
    "  --codec C            null or deflate (default null; relay: null only)\n"
    "  --file-seconds F     start a new file every F seconds of data (default 600)\n"
    "  --block-records B    records per Avro block (default min(1000, 63999/(8K+15));\n"
    "                       relay: always 1)\n"
    "  --first-channel C    index of the first channel (default 0)\n"
    "  --jobs J             worker threads, one channel at a time each (default: CPUs)\n"
    "  --with-mode          append a string field \"mode\" after \"counter\" (shape signals)\n"
    "  --help               show this help\n"
    "\n"
    "record of channel c, sample i (i counts from --start over all files), shape signals:\n"
    "  time     long    start_ns + (i * 1000000000) // rate\n"
    "  sig<k>   double  (k + 1) * sin(w_k * (i / rate) + 0.1 * c), w_k = 2*pi * 0.5 * (k + 1)\n"
    "  counter  int     i & 0x7fffffff\n"
    "  mode     string  [\"idle\",\"ramp\",\"hold\",\"vent\"][(i // (10 * rate)) % 4]\n"
    "shape example:\n"
    "  time        long    as above\n"
    "  message     string  [alpha,bravo,charlie,delta,echo,foxtrot,golf,hotel][i % 8]\n"
    "  counter     int     i & 0x7fffffff\n"
    "  sine_wave   double  sin(2*pi * i / 20.0 + 0.1 * c)\n"
    "  ramp        double  (i % 40) / 40.0 * 2.0 - 1.0\n"
    "  square_wave double  1.0 if i % 20 < 10 else -1.0\n"
    "  noise       double  (splitmix64((c << 32) ^ i) >> 11) * 2^-53 - 0.5\n"
    "\n"
    "In OCF and without --with-mode the files are byte-identical to the reference\n"
    "gen_avro.py.\n"
    "Prints one JSON summary line when done.\n";

static void usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "%s", usage_line);
    fprintf(stderr, "pivot-gen-avro: error: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(EXIT_USAGE);
}

static int64_t parse_int(const char *opt, const char *text, int64_t min, int64_t max)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end != '\0') {
        fprintf(stderr, "%spivot-gen-avro: error: %s: not an integer: '%s'\n", usage_line, opt,
                text);
        exit(EXIT_USAGE);
    }
    if (v < min || v > max) {
        fprintf(stderr, "%spivot-gen-avro: error: %s must be in [%lld, %lld], got %lld\n",
                usage_line, opt, (long long)min, (long long)max, v);
        exit(EXIT_USAGE);
    }
    return v;
}

/* --out, or --speeddata-root which decides the folders itself. */
static void check_layout(struct gen_params *p)
{
    /* Static: the paths are used until the program ends. */
    static char data_dir[4096], agents_dir[4096];

    if (!p->speeddata_root) {
        if (!p->out)
            usage_error("the following argument is required: %s", "--out (or --speeddata-root)");
        return;
    }
    if (p->out || p->avsc_dir)
        usage_error("%s: it places the data and the .avsc files itself; drop --out and "
                    "--write-avsc",
                    "--speeddata-root");
    if ((size_t)snprintf(data_dir, sizeof data_dir, "%s/data", p->speeddata_root) >=
            sizeof data_dir ||
        (size_t)snprintf(agents_dir, sizeof agents_dir, "%s/config/agents", p->speeddata_root) >=
            sizeof agents_dir)
        usage_error("--speeddata-root: path too long: '%s'", p->speeddata_root);
    if (p->channels > GEN_RELAY_LAST_PORT - GEN_RELAY_FIRST_PORT + 1)
        usage_error("%s: relay.yaml gives each channel a port from 26000 to 65535; use fewer "
                    "channels",
                    "--speeddata-root");
    p->out = data_dir;
    p->avsc_dir = agents_dir;
}

/* Options that mean nothing for the chosen shape or format are refused, not ignored. */
static void check_shape_and_format(const struct gen_params *p, int signals_given)
{
    if (p->shape == GEN_SHAPE_EXAMPLE && (signals_given || p->with_mode))
        usage_error("%s: the example shape has fixed fields; drop --signals and --with-mode",
                    "--shape example");
    if (p->format != GEN_FORMAT_RELAY)
        return;
    if (p->codec != GEN_CODEC_NULL)
        usage_error("%s: the relay writes uncompressed blocks; use --codec null or --format ocf",
                    "--format relay");
    if (p->block_records > 1)
        usage_error("%s: the relay writes one record per block; drop --block-records",
                    "--format relay");
}

enum {
    OPT_OUT = 1,
    OPT_CHANNELS,
    OPT_SECONDS,
    OPT_RATE,
    OPT_SIGNALS,
    OPT_START,
    OPT_CODEC,
    OPT_FILE_SECONDS,
    OPT_BLOCK_RECORDS,
    OPT_FIRST_CHANNEL,
    OPT_JOBS,
    OPT_WITH_MODE,
    OPT_FORMAT,
    OPT_SHAPE,
    OPT_WRITE_AVSC,
    OPT_SPEEDDATA_ROOT,
    OPT_HELP,
};

static void parse_args(int argc, char **argv, struct gen_params *p)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, OPT_OUT},
        {"channels", required_argument, NULL, OPT_CHANNELS},
        {"seconds", required_argument, NULL, OPT_SECONDS},
        {"rate", required_argument, NULL, OPT_RATE},
        {"signals", required_argument, NULL, OPT_SIGNALS},
        {"start", required_argument, NULL, OPT_START},
        {"codec", required_argument, NULL, OPT_CODEC},
        {"file-seconds", required_argument, NULL, OPT_FILE_SECONDS},
        {"block-records", required_argument, NULL, OPT_BLOCK_RECORDS},
        {"first-channel", required_argument, NULL, OPT_FIRST_CHANNEL},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"with-mode", no_argument, NULL, OPT_WITH_MODE},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"shape", required_argument, NULL, OPT_SHAPE},
        {"write-avsc", required_argument, NULL, OPT_WRITE_AVSC},
        {"speeddata-root", required_argument, NULL, OPT_SPEEDDATA_ROOT},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *start = "2025-01-01T00:00:00Z";
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int signals_given = 0;

    *p = (struct gen_params){.signals = 4, .file_seconds = 600, .jobs = ncpu > 0 ? (int)ncpu : 1};
    p->channels = p->seconds = p->rate = -1;
    opterr = 0;
    for (;;) {
        int idx = 0, o = getopt_long(argc, argv, ":h", opts, &idx);
        if (o == -1)
            break;
        switch (o) {
        case OPT_OUT:
            p->out = optarg;
            break;
        case OPT_CHANNELS:
            p->channels = parse_int("--channels", optarg, 1, INT32_MAX);
            break;
        case OPT_SECONDS:
            p->seconds = parse_int("--seconds", optarg, 1, INT64_MAX / 1000000000);
            break;
        case OPT_RATE:
            p->rate = parse_int("--rate", optarg, 1, MAX_RATE);
            break;
        case OPT_SIGNALS:
            p->signals = (int)parse_int("--signals", optarg, 0, MAX_SIGNALS);
            signals_given = 1;
            break;
        case OPT_START:
            start = optarg;
            break;
        case OPT_CODEC:
            if (strcmp(optarg, "null") == 0)
                p->codec = GEN_CODEC_NULL;
            else if (strcmp(optarg, "deflate") == 0)
                p->codec = GEN_CODEC_DEFLATE;
            else
                usage_error("--codec: invalid choice: '%s' (choose from 'null', 'deflate')",
                            optarg);
            break;
        case OPT_FILE_SECONDS:
            p->file_seconds = parse_int("--file-seconds", optarg, 1, INT64_MAX / 1000000000);
            break;
        case OPT_BLOCK_RECORDS:
            p->block_records = parse_int("--block-records", optarg, 0, INT64_MAX);
            break;
        case OPT_FIRST_CHANNEL:
            p->first_channel = parse_int("--first-channel", optarg, 0, INT32_MAX);
            break;
        case OPT_JOBS:
            p->jobs = (int)parse_int("--jobs", optarg, 1, 4096);
            break;
        case OPT_WITH_MODE:
            p->with_mode = 1;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "ocf") == 0)
                p->format = GEN_FORMAT_OCF;
            else if (strcmp(optarg, "relay") == 0)
                p->format = GEN_FORMAT_RELAY;
            else
                usage_error("--format: invalid choice: '%s' (choose from 'ocf', 'relay')", optarg);
            break;
        case OPT_SHAPE:
            if (strcmp(optarg, "signals") == 0)
                p->shape = GEN_SHAPE_SIGNALS;
            else if (strcmp(optarg, "example") == 0)
                p->shape = GEN_SHAPE_EXAMPLE;
            else
                usage_error("--shape: invalid choice: '%s' (choose from 'signals', 'example')",
                            optarg);
            break;
        case OPT_WRITE_AVSC:
            p->avsc_dir = optarg;
            break;
        case OPT_SPEEDDATA_ROOT:
            p->speeddata_root = optarg;
            break;
        case OPT_HELP:
        case 'h':
            printf("%s%s", usage_line, help_text);
            exit(0);
        case ':':
            usage_error("%s expects a value", argv[optind - 1]);
            break;
        default:
            usage_error("unrecognized argument: %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        usage_error("unrecognized argument: %s", argv[optind]);
    check_layout(p);
    check_shape_and_format(p, signals_given);
    if (p->channels < 0)
        usage_error("the following argument is required: %s", "--channels");
    if (p->seconds < 0)
        usage_error("the following argument is required: %s", "--seconds");
    if (p->rate < 0)
        usage_error("the following argument is required: %s", "--rate");
    if (gen_parse_rfc3339_ns(start, &p->start_ns) < 0)
        usage_error("--start: not an RFC 3339 time within 1677..2262: '%s'", start);
    if (p->first_channel + p->channels - 1 > INT32_MAX)
        usage_error("%s: channel indices must stay below 2^31", "--first-channel");
    int64_t end_ns, n_total, all;
    if (__builtin_mul_overflow(p->seconds, (int64_t)1000000000, &end_ns) ||
        __builtin_add_overflow(end_ns, p->start_ns, &end_ns))
        usage_error("%s: the last sample time does not fit in a 64-bit nanosecond count",
                    "--seconds");
    /* Beyond 2^53 samples i / rate would round i before dividing, unlike Python. */
    if (__builtin_mul_overflow(p->seconds, p->rate, &n_total) || n_total > (1LL << 53) ||
        __builtin_mul_overflow(n_total, p->channels, &all))
        usage_error("%s: too many records", "--seconds * --rate * --channels");
}

/* mkdir -p */
static int make_dirs(const char *path)
{
    char buf[4096];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(buf, path, n + 1);
    for (size_t k = 1; k <= n; k++) {
        if (buf[k] != '/' && buf[k] != '\0')
            continue;
        char saved = buf[k];
        buf[k] = '\0';
        if (mkdir(buf, 0777) < 0 && errno != EEXIST)
            return -1;
        buf[k] = saved;
    }
    struct stat st;
    if (stat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

struct worker {
    pthread_t thread;
    const struct gen_plan *plan;
    atomic_llong *next; /** next channel offset to claim, shared */
    atomic_int *failed; /** set by the first worker that fails, shared */
    struct gen_stats stats;
    int rc;
    char err[1024];
};

/* Claims channels one at a time until none is left or a worker failed. */
static void *worker_run(void *arg)
{
    struct worker *wk = arg;
    const struct gen_params *pa = wk->plan->params;
    struct gen_ocf ocf;
    wk->rc = gen_ocf_init(&ocf, pa->codec, wk->plan->max_record, wk->err, sizeof wk->err);
    if (wk->rc < 0)
        goto out;
    for (;;) {
        long long k = atomic_fetch_add(wk->next, 1);
        if (k >= pa->channels || atomic_load(wk->failed))
            break;
        wk->rc = gen_channel_write(wk->plan, pa->first_channel + k, &ocf, &wk->stats, wk->err,
                                   sizeof wk->err);
        if (wk->rc < 0)
            break;
    }
    gen_ocf_free(&ocf);
out:
    if (wk->rc < 0)
        atomic_store(wk->failed, 1);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    struct gen_params params;
    struct gen_plan plan;
    struct worker *workers = NULL;
    atomic_llong next = 0;
    atomic_int failed = 0;
    int nworkers = 0, status = 1;

    parse_args(argc, argv, &params);
    if (gen_plan_init(&plan, &params) < 0) {
        fprintf(stderr, "pivot-gen-avro: out of memory\n");
        return 1;
    }
    if (make_dirs(params.out) < 0) {
        fprintf(stderr, "pivot-gen-avro: %s: %s\n", params.out, strerror(errno));
        goto out;
    }
    if (params.avsc_dir && make_dirs(params.avsc_dir) < 0) {
        fprintf(stderr, "pivot-gen-avro: %s: %s\n", params.avsc_dir, strerror(errno));
        goto out;
    }
    nworkers = params.jobs < params.channels ? params.jobs : (int)params.channels;
    workers = calloc((size_t)nworkers, sizeof *workers);
    if (!workers) {
        fprintf(stderr, "pivot-gen-avro: out of memory\n");
        goto out;
    }
    double t0 = now_s();
    int started = 0;
    for (; started < nworkers; started++) {
        struct worker *wk = &workers[started];
        wk->plan = &plan;
        wk->next = &next;
        wk->failed = &failed;
        /* The first worker runs on the main thread; the others get their own. */
        if (started > 0 && pthread_create(&wk->thread, NULL, worker_run, wk) != 0) {
            fprintf(stderr, "pivot-gen-avro: cannot start worker thread %d\n", started);
            atomic_store(&failed, 1);
            break;
        }
    }
    if (started > 0)
        worker_run(&workers[0]);
    for (int k = 1; k < started; k++)
        pthread_join(workers[k].thread, NULL);
    double elapsed = now_s() - t0;
    struct gen_stats total = {0, 0};
    for (int k = 0; k < started; k++) {
        if (workers[k].rc < 0) {
            fprintf(stderr, "pivot-gen-avro: %s\n", workers[k].err);
            goto out;
        }
        total.files += workers[k].stats.files;
        total.bytes += workers[k].stats.bytes;
    }
    if (atomic_load(&failed))
        goto out;
    char err[1024];
    if ((params.avsc_dir && gen_write_avsc(params.avsc_dir, &plan, err, sizeof err) < 0) ||
        (params.speeddata_root &&
         gen_write_speeddata_config(params.speeddata_root, &params, err, sizeof err) < 0)) {
        fprintf(stderr, "pivot-gen-avro: %s\n", err);
        goto out;
    }
    long long records = (long long)(params.channels * params.seconds * params.rate);
    printf("{\"generator\":\"pivot-gen-avro\",\"records\":%lld,\"files\":%lld,\"bytes\":%lld,"
           "\"elapsed_s\":%.3f,\"records_per_s\":%.0f}\n",
           records, (long long)total.files, (long long)total.bytes, elapsed,
           elapsed > 0 ? (double)records / elapsed : 0.0);
    status = 0;
out:
    free(workers);
    gen_plan_free(&plan);
    return status;
}
