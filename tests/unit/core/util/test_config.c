/*
 * Unit tests of core/src/config.c: defaults, the YAML file, flags, and the
 * message given for each kind of bad input. Run with a case name to run one
 * case; without one, every case runs.
 */
#include "check.h"
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

static char tmpdir[64];
static char yaml_path[128];

/* Writes text to yaml_path (a fresh file in the test's own directory). */
static const char *write_yaml(const char *text)
{
    FILE *f = fopen(yaml_path, "w");
    if (f == NULL) {
        perror(yaml_path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
    return yaml_path;
}

/* Loads text over the defaults; returns load's result, cfg left for checks. */
static int load_text(pv_config *cfg, const char *text, char *err, size_t errlen)
{
    err[0] = '\0';
    if (pv_config_defaults(cfg) != 0)
        return -100;
    return pv_config_load_file(cfg, write_yaml(text), err, errlen);
}

/* Expects text to be refused with exactly "<path>:<line>: <msg>". */
static void expect_file_error(const char *text, int line, const char *msg)
{
    pv_config cfg;
    char err[512], want[512];
    CHECK_INT_EQ(load_text(&cfg, text, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:%d: %s", yaml_path, line, msg);
    CHECK_STR_EQ(err, want);
    pv_config_free(&cfg);
}

/* Expects pv_config_set(key, value) to be refused with exactly msg. */
static void expect_set_error(const char *key, const char *value, const char *msg)
{
    pv_config cfg;
    char err[512] = "";
    CHECK_INT_EQ(pv_config_defaults(&cfg), 0);
    CHECK_INT_EQ(pv_config_set(&cfg, key, value, err, sizeof(err)), -1);
    CHECK_STR_EQ(err, msg);
    pv_config_free(&cfg);
}

static void check_defaults(const pv_config *cfg)
{
    CHECK_STR_EQ(cfg->listen_host, "127.0.0.1");
    CHECK_INT_EQ(cfg->listen_port, 8000);
    CHECK_STR_EQ(cfg->data_dir, "./data");
    CHECK_STR_EQ(cfg->state_dir, "./pivot");
    CHECK(cfg->plugin_dir == NULL);
    CHECK_INT_EQ(cfg->max_request_bytes, 1048576);
    CHECK_INT_EQ(cfg->http_threads, 2);
    CHECK_INT_EQ(cfg->max_concurrent_jobs, 3);
    CHECK_INT_EQ(cfg->job_timeout_s, 3600);
    CHECK_INT_EQ(cfg->job_timeout_cap_s, 3600);
    CHECK_INT_EQ(cfg->retention_s, 86400);
    CHECK_INT_EQ(cfg->max_attempts, 2);
    CHECK_INT_EQ(cfg->max_output_bytes, 0);
    CHECK_INT_EQ(cfg->max_channels_per_job, 10000);
    CHECK_INT_EQ(cfg->list_limit_max, 1000);
    CHECK_INT_EQ(cfg->sync_max_channels, 20);
    CHECK_INT_EQ(cfg->sync_max_range_minutes, 5);
    CHECK_INT_EQ(cfg->sync_max_wait_ms, 600000);
    CHECK_INT_EQ(cfg->quick_lane_threads, 0);
    CHECK_INT_EQ(cfg->slow_lane_threads, 4);
    CHECK_INT_EQ(cfg->quota_max_running, 0);
    CHECK_INT_EQ(cfg->quota_max_queued, 100);
    CHECK_INT_EQ(cfg->quota_jobs_per_day, 1000);
    CHECK_INT_EQ(cfg->quota_bytes_per_day, 0);
    CHECK_INT_EQ(cfg->quota_max_channels, 0);
    CHECK_INT_EQ(cfg->quota_max_range_s, 0);
    CHECK_STR_EQ(pv_config_get(cfg, "quotas.max_queued_jobs"), "100");
    CHECK_STR_EQ(pv_config_get(cfg, "api.limits.max_channels_per_query"), "20");
    CHECK_STR_EQ(pv_config_get(cfg, "api.limits.max_time_range_minutes"), "5");
    CHECK_STR_EQ(pv_config_get(cfg, "api.limits.max_sync_wait"), "600");
    CHECK_STR_EQ(pv_config_get(cfg, "api.host"), "127.0.0.1");
    CHECK_STR_EQ(pv_config_get(cfg, "api.port"), "8000");
    CHECK_STR_EQ(pv_config_get(cfg, "api.threads"), "2");
    CHECK_STR_EQ(pv_config_get(cfg, "api.limits.max_request_bytes"), "1048576");
    CHECK_STR_EQ(pv_config_get(cfg, "api.limits.max_channels"), "10000");
    CHECK_STR_EQ(pv_config_get(cfg, "api.limits.max_page_size"), "1000");
    CHECK_STR_EQ(pv_config_get(cfg, "storage.avro_path"), "./data");
    CHECK_STR_EQ(pv_config_get(cfg, "data_dir"), "./data");
    CHECK_STR_EQ(pv_config_get(cfg, "state_dir"), "./pivot");
    CHECK(pv_config_get(cfg, "plugin_dir") == NULL);
    CHECK_STR_EQ(pv_config_get(cfg, "jobs.max_concurrent"), "3");
    CHECK_STR_EQ(pv_config_get(cfg, "jobs.timeout"), "3600");
    CHECK_STR_EQ(pv_config_get(cfg, "jobs.timeout_cap"), "3600");
    CHECK_STR_EQ(pv_config_get(cfg, "jobs.retention"), "86400");
    CHECK_STR_EQ(pv_config_get(cfg, "jobs.max_attempts"), "2");
}

static void test_defaults(void)
{
    pv_config cfg;
    CHECK_INT_EQ(pv_config_defaults(&cfg), 0);
    check_defaults(&cfg);
    CHECK(pv_config_get(&cfg, "logging.level") == NULL);
    CHECK(pv_config_get(&cfg, "api") == NULL);
    pv_config_free(&cfg);
    /* Freeing twice is harmless: free leaves an empty config. */
    pv_config_free(&cfg);
    CHECK_INT_EQ(cfg.nentries, 0);
}

static void test_speeddata_file(void)
{
    pv_config cfg;
    char err[512];
    const char *text = "# SpeedData config/pivot.yaml\n"
                       "api:\n"
                       "  port: 8001\n"
                       "  limits:\n"
                       "    max_channels_per_query: 100\n"
                       "    max_time_range_hours: 24\n"
                       "storage:\n"
                       "  avro_path: /var/cache/speeddata\n"
                       "  hdf5_path: /var/cache/speeddata/hdf5\n"
                       "logging:\n"
                       "  level: INFO\n";
    CHECK_INT_EQ(load_text(&cfg, text, err, sizeof(err)), 0);
    CHECK_STR_EQ(err, "");
    CHECK_INT_EQ(cfg.listen_port, 8001);
    CHECK_STR_EQ(cfg.data_dir, "/var/cache/speeddata");
    CHECK_STR_EQ(cfg.listen_host, "127.0.0.1");
    CHECK_STR_EQ(pv_config_get(&cfg, "api.port"), "8001");
    CHECK_STR_EQ(pv_config_get(&cfg, "data_dir"), "/var/cache/speeddata");
    CHECK_STR_EQ(pv_config_get(&cfg, "storage.avro_path"), "/var/cache/speeddata");
    CHECK_STR_EQ(pv_config_get(&cfg, "api.limits.max_time_range_hours"), "24");
    CHECK_STR_EQ(pv_config_get(&cfg, "api.limits.max_channels_per_query"), "100");
    CHECK_STR_EQ(pv_config_get(&cfg, "storage.hdf5_path"), "/var/cache/speeddata/hdf5");
    CHECK_STR_EQ(pv_config_get(&cfg, "logging.level"), "INFO");
    pv_config_free(&cfg);
}

static void test_durations(void)
{
    pv_config cfg;
    char err[512];
    /* jobs.timeout comes before the cap that allows it: order does not matter. */
    const char *text = "jobs:\n"
                       "  timeout: 2h\n"
                       "  timeout_cap: \"24h\"\n"
                       "  retention: 2d\n";
    CHECK_INT_EQ(load_text(&cfg, text, err, sizeof(err)), 0);
    CHECK_STR_EQ(err, "");
    CHECK_INT_EQ(cfg.job_timeout_s, 7200);
    CHECK_INT_EQ(cfg.job_timeout_cap_s, 86400);
    CHECK_INT_EQ(cfg.retention_s, 172800);
    CHECK_STR_EQ(pv_config_get(&cfg, "jobs.timeout"), "7200");
    CHECK_STR_EQ(pv_config_get(&cfg, "jobs.retention"), "172800");

    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.timeout", "90s", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.job_timeout_s, 90);
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.timeout", "15m", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.job_timeout_s, 900);
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.timeout", "600", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.job_timeout_s, 600);
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.retention", "24h", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.retention_s, 86400);
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.retention", "60", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.retention_s, 60);
    CHECK_STR_EQ(pv_config_get(&cfg, "jobs.retention"), "60");
    /* ISO 8601 as the API takes it, and weeks, in settings too. */
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.retention", "P1W", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.retention_s, 604800);
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.retention", "2w", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.retention_s, 1209600);
    CHECK_STR_EQ(pv_config_get(&cfg, "jobs.retention"), "1209600");
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.timeout", "PT10M", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.job_timeout_s, 600);
    pv_config_free(&cfg);
}

static void test_flag_override(void)
{
    pv_config cfg;
    char err[512];
    const char *text = "api:\n  port: 8001\n  host: 0.0.0.0\nstate_dir: /var/lib/pivot\n"
                       "plugins:\n  avro:\n    block_cache: 8\n";
    CHECK_INT_EQ(load_text(&cfg, text, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_config_set(&cfg, "api.port", "9000", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.listen_port, 9000);
    CHECK_STR_EQ(pv_config_get(&cfg, "api.port"), "9000");
    CHECK_STR_EQ(cfg.listen_host, "0.0.0.0");
    CHECK_INT_EQ(pv_config_set(&cfg, "api.port", "0", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.listen_port, 0);
    CHECK_INT_EQ(pv_config_set(&cfg, "state_dir", "/tmp/st", err, sizeof(err)), 0);
    CHECK_STR_EQ(cfg.state_dir, "/tmp/st");
    CHECK_STR_EQ(pv_config_get(&cfg, "state_dir"), "/tmp/st");
    /* Either name of the data directory sets it, and both read it back. */
    CHECK_INT_EQ(pv_config_set(&cfg, "data_dir", "/srv/avro", err, sizeof(err)), 0);
    CHECK_STR_EQ(cfg.data_dir, "/srv/avro");
    CHECK_STR_EQ(pv_config_get(&cfg, "storage.avro_path"), "/srv/avro");
    CHECK_INT_EQ(pv_config_set(&cfg, "plugin_dir", "/opt/pivot/lib", err, sizeof(err)), 0);
    CHECK_STR_EQ(cfg.plugin_dir, "/opt/pivot/lib");
    CHECK_STR_EQ(pv_config_get(&cfg, "plugin_dir"), "/opt/pivot/lib");
    CHECK_INT_EQ(pv_config_set(&cfg, "plugin_dir", "", err, sizeof(err)), 0);
    CHECK(cfg.plugin_dir == NULL);
    CHECK(pv_config_get(&cfg, "plugin_dir") == NULL);
    /* Unknown keys are plugins' business: kept as given. */
    CHECK_INT_EQ(pv_config_set(&cfg, "plugins.avro.block_cache", "16", err, sizeof(err)), 0);
    CHECK_STR_EQ(pv_config_get(&cfg, "plugins.avro.block_cache"), "16");
    CHECK_INT_EQ(pv_config_set(&cfg, "api.limits.max_request_bytes", "2048", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.max_request_bytes, 2048);
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.max_concurrent", "64", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.max_concurrent_jobs, 64);
    pv_config_free(&cfg);
}

static void test_alias_order(void)
{
    pv_config cfg;
    char err[512];
    CHECK_INT_EQ(load_text(&cfg, "data_dir: /a\nstorage:\n  avro_path: /b\n", err, sizeof(err)), 0);
    CHECK_STR_EQ(cfg.data_dir, "/b");
    pv_config_free(&cfg);
    CHECK_INT_EQ(load_text(&cfg, "storage:\n  avro_path: /b\ndata_dir: /a\n", err, sizeof(err)), 0);
    CHECK_STR_EQ(cfg.data_dir, "/a");
    CHECK_STR_EQ(pv_config_get(&cfg, "storage.avro_path"), "/a");
    pv_config_free(&cfg);
    /* A dotted key at the top level is the same setting as the nested one. */
    CHECK_INT_EQ(load_text(&cfg, "api.port: 8123\n", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.listen_port, 8123);
    pv_config_free(&cfg);
}

static void test_bad_port(void)
{
    pv_config cfg;
    char err[512];
    expect_set_error("api.port", "80x", "api.port: \"80x\" is not a port number (0-65535)");
    expect_set_error("api.port", "", "api.port: \"\" is not a port number (0-65535)");
    expect_set_error("api.port", "70000", "api.port: must be between 0 and 65535, got 70000");
    expect_set_error("api.port", "-1", "api.port: must be between 0 and 65535, got -1");
    expect_set_error("api.port", "99999999999999999999999",
                     "api.port: must be between 0 and 65535, got 99999999999999999999999");
    expect_file_error("# comment\napi:\n  port: 8o80\n", 3,
                      "api.port: \"8o80\" is not a port number (0-65535)");
    /* A refused flag leaves the setting as it was. */
    CHECK_INT_EQ(load_text(&cfg, "api:\n  port: 8001\n", err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_config_set(&cfg, "api.port", "http", err, sizeof(err)), -1);
    CHECK_INT_EQ(cfg.listen_port, 8001);
    CHECK_STR_EQ(pv_config_get(&cfg, "api.port"), "8001");
    pv_config_free(&cfg);
}

/* Settings read to the millisecond: below a second, and whole seconds read
 * back as the seconds settings do. */
static void test_millisecond_durations(void)
{
    pv_config cfg;
    char err[512];
    CHECK_INT_EQ(load_text(&cfg, "api:\n  limits:\n    max_sync_wait: 250ms\n", err, sizeof(err)),
                 0);
    CHECK_STR_EQ(err, "");
    CHECK_INT_EQ(cfg.sync_max_wait_ms, 250);
    CHECK_STR_EQ(pv_config_get(&cfg, "api.limits.max_sync_wait"), "250ms");
    CHECK_INT_EQ(pv_config_set(&cfg, "api.limits.max_sync_wait", "PT0.5S", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.sync_max_wait_ms, 500);
    CHECK_INT_EQ(pv_config_set(&cfg, "api.limits.max_sync_wait", "2", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.sync_max_wait_ms, 2000);
    CHECK_STR_EQ(pv_config_get(&cfg, "api.limits.max_sync_wait"), "2");
    CHECK_INT_EQ(pv_config_set(&cfg, "api.limits.max_sync_wait", "1ms", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.sync_max_wait_ms, 1);
    CHECK_INT_EQ(pv_config_set(&cfg, "api.limits.max_sync_wait", "1d", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.sync_max_wait_ms, 86400000);
    pv_config_free(&cfg);
    expect_set_error("api.limits.max_sync_wait", "0ms",
                     "api.limits.max_sync_wait: must be between 1 and 86400000 milliseconds, got "
                     "0ms (0 milliseconds)");
    expect_set_error("api.limits.max_sync_wait", "25h",
                     "api.limits.max_sync_wait: must be between 1 and 86400000 milliseconds, got "
                     "25h (90000000 milliseconds)");
    expect_set_error("api.limits.max_sync_wait", "PT0.0005S",
                     "api.limits.max_sync_wait: \"PT0.0005S\" is not a whole number of "
                     "milliseconds; send e.g. PT0.25S or PT90S");
    expect_set_error("api.limits.max_sync_wait", "0.5s",
                     "api.limits.max_sync_wait: \"0.5s\" is not a duration; send seconds (600), a "
                     "number followed by ms, s, m, h, d or w (250ms, 90s, 15m, 12h), or an ISO "
                     "8601 duration (PT0.25S, PT10M)");
    /* Seconds settings take milliseconds only as whole seconds. */
    expect_set_error("jobs.timeout", "1500ms",
                     "jobs.timeout: \"1500ms\" is not a whole number of seconds; send e.g. "
                     "2000ms or 2s");
}

/* The blocking-work lanes' sizes. */
static void test_lanes(void)
{
    pv_config cfg;
    char err[512];
    CHECK_INT_EQ(load_text(&cfg, "api:\n  quick_lane_threads: 3\n  slow_lane_threads: 1\n", err,
                           sizeof(err)),
                 0);
    CHECK_INT_EQ(cfg.quick_lane_threads, 3);
    CHECK_INT_EQ(cfg.slow_lane_threads, 1);
    CHECK_STR_EQ(pv_config_get(&cfg, "api.slow_lane_threads"), "1");
    pv_config_free(&cfg);
    expect_set_error("api.slow_lane_threads", "0",
                     "api.slow_lane_threads: must be between 1 and 64, got 0");
    expect_set_error("api.quick_lane_threads", "65",
                     "api.quick_lane_threads: must be between 0 and 64, got 65");
}

static void test_out_of_range(void)
{
    pv_config cfg;
    char err[512];
    expect_file_error("api:\n  port: 8001\n\njobs:\n  max_attempts: 2\n\n  max_concurrent: 0\n", 7,
                      "jobs.max_concurrent: must be between 1 and 64, got 0");
    expect_file_error("api:\n  threads: 65\n", 2, "api.threads: must be between 1 and 64, got 65");
    expect_file_error("jobs:\n  max_attempts: 11\n", 2,
                      "jobs.max_attempts: must be between 1 and 10, got 11");
    expect_file_error("api:\n  limits:\n    max_request_bytes: 1023\n", 3,
                      "api.limits.max_request_bytes: must be between 1024 and 67108864, got 1023");
    expect_file_error("jobs:\n  retention: 0\n", 2,
                      "jobs.retention: must be between 1 and 315360000 seconds, got 0 seconds");
    expect_file_error("jobs:\n  retention: 1m\n  timeout: 0\n", 3,
                      "jobs.timeout: must be between 1 and 2592000 seconds, got 0 seconds");
    /* Without a raised cap, jobs.timeout stops at an hour; the line is the timeout's. */
    expect_file_error("jobs:\n  timeout: 2h\n", 2,
                      "jobs.timeout: must be between 1 and 3600 seconds (jobs.timeout_cap), got "
                      "7200 seconds");
    expect_file_error("jobs:\n  timeout_cap: 1h\n  timeout: 3601\n", 3,
                      "jobs.timeout: must be between 1 and 3600 seconds (jobs.timeout_cap), got "
                      "3601 seconds");
    expect_set_error("jobs.timeout", "3601",
                     "jobs.timeout: must be between 1 and 3600 seconds (jobs.timeout_cap), got "
                     "3601 seconds");
    expect_set_error("jobs.timeout_cap", "30m",
                     "jobs.timeout_cap: must be between 3600 and 2592000 seconds, got 30m (1800 "
                     "seconds)");
    expect_set_error("api.limits.max_page_size", "0",
                     "api.limits.max_page_size: must be between 1 and 100000, got 0");
    expect_set_error("api.host", "", "api.host: must not be empty");
    expect_set_error("state_dir", "", "state_dir: must not be empty");
    /* Lowering the cap below a timeout it allowed is refused, and changes nothing. */
    CHECK_INT_EQ(load_text(&cfg, "jobs:\n  timeout_cap: 4h\n  timeout: 3h\n", err, sizeof(err)), 0);
    CHECK_INT_EQ(cfg.job_timeout_s, 10800);
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.timeout_cap", "2h", err, sizeof(err)), -1);
    CHECK_STR_EQ(err, "jobs.timeout_cap: must be at least jobs.timeout (10800 seconds), got 7200 "
                      "seconds");
    CHECK_INT_EQ(cfg.job_timeout_cap_s, 14400);
    CHECK_STR_EQ(pv_config_get(&cfg, "jobs.timeout_cap"), "14400");
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.timeout", "4h", err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_config_set(&cfg, "jobs.timeout", "5h", err, sizeof(err)), -1);
    CHECK_INT_EQ(cfg.job_timeout_s, 14400);
    pv_config_free(&cfg);
}

static void test_bad_duration(void)
{
    /* The grammar itself is tested in test_duration.c; here, that a setting
     * names itself in front of the grammar's message. */
    const char *forms = "send seconds (600), a number followed by s, m, h, d or w (90s, 15m, 12h, "
                        "7d, 2w), or an ISO 8601 duration (PT10M, P1DT12H)";
    char want[512];
    const char *bad[] = {"5x", "1.5h", "h", "", "1 h", "-h", "10y", "1hm"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (bad[i][0] == '-')
            snprintf(want, sizeof(want),
                     "jobs.timeout: \"%s\" is negative; a duration is a length of time: %s", bad[i],
                     forms);
        else
            snprintf(want, sizeof(want), "jobs.timeout: \"%s\" is not a duration; %s", bad[i],
                     forms);
        expect_set_error("jobs.timeout", bad[i], want);
    }
    snprintf(want, sizeof(want), "jobs.retention: \"a day\" is not a duration; %s", forms);
    expect_file_error("jobs:\n  retention: a day\n", 2, want);
    expect_set_error("jobs.retention", "99999999999999999d",
                     "jobs.retention: must be between 1 and 315360000 seconds, got "
                     "99999999999999999d");
    snprintf(want, sizeof(want),
             "jobs.retention: \"-2d\" is negative; a duration is a length of time: %s", forms);
    expect_set_error("jobs.retention", "-2d", want);
    expect_set_error("jobs.retention", "P1M",
                     "jobs.retention: years and months have no fixed length; use weeks or days, "
                     "e.g. P30D");
    expect_set_error("jobs.timeout", "PT0.5S",
                     "jobs.timeout: \"PT0.5S\" is not a whole number of seconds; send e.g. PT1S "
                     "or PT90S");
    expect_set_error("jobs.timeout", "P31D",
                     "jobs.timeout: must be between 1 and 2592000 seconds, got P31D (2678400 "
                     "seconds)");
}

static void test_bad_types(void)
{
    expect_set_error("api.threads", "two", "api.threads: \"two\" is not a whole number (1-64)");
    expect_set_error("api.limits.max_request_bytes", "1MiB",
                     "api.limits.max_request_bytes: \"1MiB\" is not a number of bytes "
                     "(1024-67108864)");
    expect_set_error("api", "x", "api: is a section of settings, not a single value");
    expect_set_error("", "x", "empty setting name");
    expect_file_error("api: 5\n", 1, "api: is a section of settings, not a single value");
    expect_file_error("api:\n  limits: [1, 2]\n", 2,
                      "api.limits: expected a mapping of settings, got a sequence");
    expect_file_error("api:\n  port:\n    number: 80\n", 3,
                      "api.port: expected a single value, got a mapping");
    expect_file_error("state_dir: [a]\n", 1, "state_dir: expected a single value, got a sequence");
    expect_file_error("api:\n  port:\n", 2,
                      "api.port: a value is required, a port number (0-65535)");
    expect_file_error("base: &b 1\nother: *b\n", 2, "other: aliases (*b) are not supported");
    expect_file_error("a: 1\n---\nb: 2\n", 2, "only one YAML document is allowed");
    expect_file_error("? [a, b]\n: 1\n", 1, "keys must be non-empty names");
}

static void test_yaml_syntax(void)
{
    pv_config cfg;
    char err[512], want[512];
    CHECK_INT_EQ(
        load_text(&cfg, "api:\n  port: 8001\n  host: [127.0.0.1\nstate_dir: x\n", err, sizeof(err)),
        -1);
    snprintf(want, sizeof(want),
             "%s:4:10: did not find expected ',' or ']' (while parsing a flow sequence)",
             yaml_path);
    CHECK_STR_EQ(err, want);
    /* The syntax is checked before anything is applied: port 8001 was not taken. */
    CHECK_INT_EQ(cfg.listen_port, 8000);
    pv_config_free(&cfg);
    CHECK_INT_EQ(load_text(&cfg, "api:\n  port: 8001\n   host: x\n", err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s:3:8: mapping values are not allowed in this context",
             yaml_path);
    CHECK_STR_EQ(err, want);
    pv_config_free(&cfg);
    CHECK_INT_EQ(load_text(&cfg, "a: \"\xff\"\n", err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: byte 4: invalid leading UTF-8 octet", yaml_path);
    CHECK_STR_EQ(err, want);
    pv_config_free(&cfg);
}

static void test_not_mapping(void)
{
    expect_file_error("- port: 8001\n- host: x\n", 1,
                      "the top level must be a mapping of settings, got a sequence");
    expect_file_error("# a comment\njust some text\n", 2,
                      "the top level must be a mapping of settings, got a single value");
}

static void test_missing_file(void)
{
    pv_config cfg;
    char err[512], want[512], path[160];
    CHECK_INT_EQ(pv_config_defaults(&cfg), 0);
    snprintf(path, sizeof(path), "%s/absent.yaml", tmpdir);
    CHECK_INT_EQ(pv_config_load_file(&cfg, path, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: cannot open: %s", path, strerror(ENOENT));
    CHECK_STR_EQ(err, want);
    CHECK_INT_EQ(pv_config_load_file(&cfg, tmpdir, err, sizeof(err)), -1);
    snprintf(want, sizeof(want), "%s: cannot read: %s", tmpdir, strerror(EISDIR));
    CHECK_STR_EQ(err, want);
    check_defaults(&cfg);
    pv_config_free(&cfg);
}

static void test_empty_file(void)
{
    pv_config cfg;
    char err[512];
    const char *empties[] = {"", "# only a comment\n", "---\n", "~\n"};
    for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
        CHECK_INT_EQ(load_text(&cfg, empties[i], err, sizeof(err)), 0);
        CHECK_STR_EQ(err, "");
        check_defaults(&cfg);
        pv_config_free(&cfg);
    }
}

static void test_sequences(void)
{
    pv_config cfg;
    char err[512];
    const char *text = "auth:\n"
                       "  backends: [apikey, ldap, token]\n"
                       "plugins:\n"
                       "  demo:\n"
                       "    sites:\n"
                       "      - name: north\n"
                       "        hz: 100\n"
                       "      - south\n"
                       "      - [1, 2]\n"
                       "    off: ~\n";
    CHECK_INT_EQ(load_text(&cfg, text, err, sizeof(err)), 0);
    CHECK_STR_EQ(err, "");
    CHECK_STR_EQ(pv_config_get(&cfg, "auth.backends.0"), "apikey");
    CHECK_STR_EQ(pv_config_get(&cfg, "auth.backends.1"), "ldap");
    CHECK_STR_EQ(pv_config_get(&cfg, "auth.backends.2"), "token");
    CHECK(pv_config_get(&cfg, "auth.backends.3") == NULL);
    CHECK(pv_config_get(&cfg, "auth.backends") == NULL);
    CHECK_STR_EQ(pv_config_get(&cfg, "plugins.demo.sites.0.name"), "north");
    CHECK_STR_EQ(pv_config_get(&cfg, "plugins.demo.sites.0.hz"), "100");
    CHECK_STR_EQ(pv_config_get(&cfg, "plugins.demo.sites.1"), "south");
    CHECK_STR_EQ(pv_config_get(&cfg, "plugins.demo.sites.2.0"), "1");
    CHECK_STR_EQ(pv_config_get(&cfg, "plugins.demo.sites.2.1"), "2");
    CHECK(pv_config_get(&cfg, "plugins.demo.off") == NULL);
    /* A later file's sequence replaces the earlier one as a whole. */
    CHECK_INT_EQ(
        pv_config_load_file(&cfg, write_yaml("auth:\n  backends:\n    - oidc\n"), err, sizeof(err)),
        0);
    CHECK_STR_EQ(pv_config_get(&cfg, "auth.backends.0"), "oidc");
    CHECK(pv_config_get(&cfg, "auth.backends.1") == NULL);
    CHECK(pv_config_get(&cfg, "auth.backends.2") == NULL);
    CHECK_STR_EQ(pv_config_get(&cfg, "plugins.demo.sites.1"), "south");
    /* Quoted and explicit-string scalars are values, not nulls. */
    CHECK_INT_EQ(
        pv_config_load_file(&cfg, write_yaml("x: \"~\"\ny: ''\nz: !!str null\n"), err, sizeof(err)),
        0);
    CHECK_STR_EQ(pv_config_get(&cfg, "x"), "~");
    CHECK_STR_EQ(pv_config_get(&cfg, "y"), "");
    CHECK_STR_EQ(pv_config_get(&cfg, "z"), "null");
    pv_config_free(&cfg);
}

static void test_example_file(void)
{
    pv_config cfg;
    char err[512] = "";
    CHECK_INT_EQ(pv_config_defaults(&cfg), 0);
    CHECK_INT_EQ(
        pv_config_load_file(&cfg, PIVOT_SOURCE_DIR "/docs/config.example.yaml", err, sizeof(err)),
        0);
    CHECK_STR_EQ(err, "");
    /* The documented values are the defaults. */
    check_defaults(&cfg);
    pv_config_free(&cfg);
}

static const struct {
    const char *name;
    void (*run)(void);
} cases[] = {
    {"defaults", test_defaults},
    {"speeddata_file", test_speeddata_file},
    {"durations", test_durations},
    {"flag_override", test_flag_override},
    {"alias_order", test_alias_order},
    {"bad_port", test_bad_port},
    {"out_of_range", test_out_of_range},
    {"bad_duration", test_bad_duration},
    {"bad_types", test_bad_types},
    {"yaml_syntax", test_yaml_syntax},
    {"not_mapping", test_not_mapping},
    {"missing_file", test_missing_file},
    {"empty_file", test_empty_file},
    {"sequences", test_sequences},
    {"example_file", test_example_file},
    {"millisecond_durations", test_millisecond_durations},
    {"lanes", test_lanes},
};

int main(int argc, char **argv)
{
    int ran = 0;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/pv_config_XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    snprintf(yaml_path, sizeof(yaml_path), "%s/pivot.yaml", tmpdir);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (argc > 1 && strcmp(argv[1], cases[i].name) != 0)
            continue;
        cases[i].run();
        ran++;
    }
    unlink(yaml_path);
    rmdir(tmpdir);
    if (ran == 0) {
        fprintf(stderr, "no test case named %s\n", argv[1]);
        return 2;
    }
    return check_report();
}
