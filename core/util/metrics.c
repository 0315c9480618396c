#include "metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Latency buckets (seconds): from a status poll answered on the loop to a
 * synchronous export that streams for minutes. */
static const double latency_bounds[] = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                        0.5,   1,     2.5,  5,     10,   30,  60};
#define LATENCY_N (sizeof(latency_bounds) / sizeof(latency_bounds[0]))

/* Job-store operations (seconds): a primary-key read takes microseconds, a
 * write that waits for SQLite's lock up to its 5 s busy timeout. */
static const double store_bounds[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                      0.025,  0.05,    0.1,    0.25,  0.5,    1,     5};
#define STORE_N (sizeof(store_bounds) / sizeof(store_bounds[0]))
static const char *const store_kind_names[PV_STORE_KIND_COUNT] = {"read", "write"};

/* Job run times (seconds) and result sizes (bytes). */
static const double run_bounds[] = {0.1, 0.5, 1, 5, 10, 30, 60, 300, 900, 3600};
#define RUN_N (sizeof(run_bounds) / sizeof(run_bounds[0]))
static const double bytes_bounds[] = {1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};
#define BYTES_N (sizeof(bytes_bounds) / sizeof(bytes_bounds[0]))

/* A histogram: one counter per upper bound (not cumulative; summed when
 * written), one for +Inf, and the sum as an integer count of `scale`ths:
 * millionths of a second for times (0 means that), whole bytes for sizes,
 * whose millionths would wrap 64 bits after 18 TB. */
#define HISTOGRAM_BUCKETS 16
typedef struct histogram {
    atomic_uint_fast64_t bucket[HISTOGRAM_BUCKETS];
    atomic_uint_fast64_t count;
    atomic_uint_fast64_t sum_scaled;
    double scale;
} histogram;

_Static_assert(LATENCY_N < HISTOGRAM_BUCKETS && STORE_N < HISTOGRAM_BUCKETS &&
                   RUN_N < HISTOGRAM_BUCKETS && BYTES_N < HISTOGRAM_BUCKETS,
               "every histogram's bounds and +Inf fit its buckets");

static double scale_of(const histogram *h)
{
    return h->scale > 0 ? h->scale : 1e6;
}

static void observe(histogram *h, const double *bounds, size_t n, double value)
{
    size_t i = 0;
    while (i < n && value > bounds[i])
        i++;
    atomic_fetch_add_explicit(&h->bucket[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&h->count, 1, memory_order_relaxed);
    if (value > 0)
        atomic_fetch_add_explicit(&h->sum_scaled, (uint_fast64_t)(value * scale_of(h) + 0.5),
                                  memory_order_relaxed);
}

/* HTTP status codes are counted per code, 100..599; anything else as 0. */
#define STATUS_MAX 600

static const char *const route_names[PV_ROUTE_COUNT] = {
    "health", "openapi",  "metrics", "jobs",    "job",   "download",
    "quota",  "channels", "export",  "presets", "other",
};

/* Refusal reasons are problem-type slugs, static strings; a slot is taken
 * once by compare-and-swap and never freed. More distinct slugs than slots
 * (there are fewer in the code) would be counted as "other". */
#define REASON_SLOTS 48

typedef struct job_status_count {
    const char *status;
    atomic_uint_fast64_t finished;
} job_status_count;

static struct {
    atomic_uint_fast64_t http[PV_ROUTE_COUNT][STATUS_MAX];
    histogram http_latency[PV_ROUTE_COUNT];
    atomic_uint_fast64_t accepted;
    _Atomic(const char *) reason[REASON_SLOTS];
    atomic_uint_fast64_t refused[REASON_SLOTS + 1];
    atomic_uint_fast64_t auth_failures;
    job_status_count finished[3];
    histogram run_seconds;
    histogram bytes_written;
    histogram store_op[PV_STORE_KIND_COUNT];
} m = {.finished = {{"completed", 0}, {"failed", 0}, {"cancelled", 0}},
       .bytes_written = {.scale = 1}};

const char *pv_metric_route_name(pv_metric_route r)
{
    return (unsigned)r < PV_ROUTE_COUNT ? route_names[r] : "other";
}

void pv_metrics_http_request(pv_metric_route route, int status, double seconds)
{
    if ((unsigned)route >= PV_ROUTE_COUNT)
        route = PV_ROUTE_OTHER;
    if (status < 100 || status >= STATUS_MAX)
        status = 0;
    atomic_fetch_add_explicit(&m.http[route][status], 1, memory_order_relaxed);
    observe(&m.http_latency[route], latency_bounds, LATENCY_N, seconds);
}

void pv_metrics_submission_accepted(void)
{
    atomic_fetch_add_explicit(&m.accepted, 1, memory_order_relaxed);
}

void pv_metrics_submission_refused(const char *problem_type)
{
    size_t i;
    for (i = 0; i < REASON_SLOTS; i++) {
        const char *seen = atomic_load_explicit(&m.reason[i], memory_order_acquire);
        if (seen == NULL) {
            const char *expected = NULL;
            if (atomic_compare_exchange_strong(&m.reason[i], &expected, problem_type))
                break;
            seen = expected;
        }
        if (seen == problem_type || strcmp(seen, problem_type) == 0)
            break;
    }
    atomic_fetch_add_explicit(&m.refused[i], 1, memory_order_relaxed);
}

void pv_metrics_auth_failure(void)
{
    atomic_fetch_add_explicit(&m.auth_failures, 1, memory_order_relaxed);
}

void pv_metrics_job_finished(const char *status, double run_seconds, int64_t bytes_written)
{
    for (size_t i = 0; i < sizeof(m.finished) / sizeof(m.finished[0]); i++)
        if (strcmp(m.finished[i].status, status) == 0)
            atomic_fetch_add_explicit(&m.finished[i].finished, 1, memory_order_relaxed);
    observe(&m.run_seconds, run_bounds, RUN_N, run_seconds);
    if (bytes_written >= 0 && strcmp(status, "completed") == 0)
        observe(&m.bytes_written, bytes_bounds, BYTES_N, (double)bytes_written);
}

void pv_metrics_store_op(pv_store_op_kind kind, double seconds)
{
    if ((unsigned)kind < PV_STORE_KIND_COUNT)
        observe(&m.store_op[kind], store_bounds, STORE_N, seconds);
}

static uint64_t get(atomic_uint_fast64_t *a)
{
    return (uint64_t)atomic_load_explicit(a, memory_order_relaxed);
}

static void write_histogram(FILE *out, const char *name, const char *labels, histogram *h,
                            const double *bounds, size_t n)
{
    uint64_t cumulative = 0;
    const char *sep = labels[0] != '\0' ? "," : "";

    for (size_t i = 0; i < n; i++) {
        cumulative += get(&h->bucket[i]);
        fprintf(out, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels, sep, bounds[i],
                (unsigned long long)cumulative);
    }
    cumulative += get(&h->bucket[n]);
    fprintf(out, "%s_bucket{%s%sle=\"+Inf\"} %llu\n", name, labels, sep,
            (unsigned long long)cumulative);
    if (labels[0] != '\0') {
        fprintf(out, "%s_sum{%s} %.6f\n", name, labels, (double)get(&h->sum_scaled) / scale_of(h));
        fprintf(out, "%s_count{%s} %llu\n", name, labels, (unsigned long long)cumulative);
    } else {
        fprintf(out, "%s_sum %.6f\n", name, (double)get(&h->sum_scaled) / scale_of(h));
        fprintf(out, "%s_count %llu\n", name, (unsigned long long)cumulative);
    }
}

static void write_http(FILE *out)
{
    char labels[64];

    fputs("# HELP pivot_http_requests_total HTTP requests answered, by route and status.\n"
          "# TYPE pivot_http_requests_total counter\n",
          out);
    for (int r = 0; r < PV_ROUTE_COUNT; r++)
        for (int s = 0; s < STATUS_MAX; s++) {
            uint64_t n = get(&m.http[r][s]);
            if (n != 0)
                fprintf(out, "pivot_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
                        route_names[r], s, (unsigned long long)n);
        }
    fputs("# HELP pivot_http_request_duration_seconds Time from a request's head to its last "
          "byte sent, by route.\n"
          "# TYPE pivot_http_request_duration_seconds histogram\n",
          out);
    for (int r = 0; r < PV_ROUTE_COUNT; r++) {
        if (get(&m.http_latency[r].count) == 0)
            continue;
        snprintf(labels, sizeof(labels), "route=\"%s\"", route_names[r]);
        write_histogram(out, "pivot_http_request_duration_seconds", labels, &m.http_latency[r],
                        latency_bounds, LATENCY_N);
    }
}

static void write_submissions(FILE *out)
{
    fprintf(out,
            "# HELP pivot_job_submissions_total Job submissions accepted.\n"
            "# TYPE pivot_job_submissions_total counter\n"
            "pivot_job_submissions_total %llu\n"
            "# HELP pivot_job_refusals_total Job submissions refused, by problem type.\n"
            "# TYPE pivot_job_refusals_total counter\n",
            (unsigned long long)get(&m.accepted));
    for (size_t i = 0; i < REASON_SLOTS; i++) {
        const char *reason = atomic_load_explicit(&m.reason[i], memory_order_acquire);
        if (reason == NULL)
            break;
        fprintf(out, "pivot_job_refusals_total{reason=\"%s\"} %llu\n", reason,
                (unsigned long long)get(&m.refused[i]));
    }
    if (get(&m.refused[REASON_SLOTS]) != 0)
        fprintf(out, "pivot_job_refusals_total{reason=\"other\"} %llu\n",
                (unsigned long long)get(&m.refused[REASON_SLOTS]));
}

static void write_jobs(FILE *out)
{
    fputs("# HELP pivot_jobs_finished_total Jobs whose worker ended them, by final status, since "
          "the start.\n"
          "# TYPE pivot_jobs_finished_total counter\n",
          out);
    for (size_t i = 0; i < sizeof(m.finished) / sizeof(m.finished[0]); i++)
        fprintf(out, "pivot_jobs_finished_total{status=\"%s\"} %llu\n", m.finished[i].status,
                (unsigned long long)get(&m.finished[i].finished));
    fputs("# HELP pivot_job_run_duration_seconds Time from a job's start to its final status.\n"
          "# TYPE pivot_job_run_duration_seconds histogram\n",
          out);
    write_histogram(out, "pivot_job_run_duration_seconds", "", &m.run_seconds, run_bounds, RUN_N);
    fputs("# HELP pivot_job_written_bytes Size of each completed job's result file.\n"
          "# TYPE pivot_job_written_bytes histogram\n",
          out);
    write_histogram(out, "pivot_job_written_bytes", "", &m.bytes_written, bytes_bounds, BYTES_N);
}

void pv_metrics_write(FILE *out)
{
    write_http(out);
    write_submissions(out);
    fprintf(out,
            "# HELP pivot_auth_failures_total Requests whose credentials were missing or "
            "refused.\n"
            "# TYPE pivot_auth_failures_total counter\n"
            "pivot_auth_failures_total %llu\n",
            (unsigned long long)get(&m.auth_failures));
    write_jobs(out);
    fputs("# HELP pivot_job_store_operation_duration_seconds Time the server's job-store "
          "operations took, by kind (read: statuses, the queue, the scrape's figures; write: "
          "submissions, cancels, claims, outcomes, transactions).\n"
          "# TYPE pivot_job_store_operation_duration_seconds histogram\n",
          out);
    for (int k = 0; k < PV_STORE_KIND_COUNT; k++) {
        char labels[32];
        snprintf(labels, sizeof(labels), "kind=\"%s\"", store_kind_names[k]);
        write_histogram(out, "pivot_job_store_operation_duration_seconds", labels, &m.store_op[k],
                        store_bounds, STORE_N);
    }
}
