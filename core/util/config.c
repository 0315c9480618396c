/*
 * pivotd's configuration: a table of typed settings over a flat list of
 * dotted keys. The YAML reader flattens the file and hands every scalar to
 * the same function that command-line flags use, so a flag and a line of the
 * file are validated alike. Unknown keys are kept, not refused, because the
 * file is shared with the rest of SpeedData and plugins read their own keys.
 */
#include "config.h"

#include "config_internal.h"
#include "duration.h"

#include <errno.h>
#include <inttypes.h>
#include <pivot/common.h>
#include <pivot/grammar.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define DAY_S (24 * 3600)

enum setting_kind {
    KIND_STRING,          /**< non-empty string */
    KIND_OPTIONAL_STRING, /**< string, or null/empty for "unset" */
    KIND_PORT,            /**< int, 0..65535 */
    KIND_INT,             /**< int in [min, max] */
    KIND_SIZE,            /**< size_t byte count in [min, max] */
    KIND_DURATION,        /**< int64_t seconds in [min, max], written as in duration.h */
    KIND_DURATION_MS,     /**< int64_t milliseconds in [min, max], the same grammar */
};

typedef struct setting {
    const char *key;
    enum setting_kind kind;
    size_t offset; /**< of the field in pv_config */
    int64_t min, max;
} setting;

/* Two keys naming one field (storage.avro_path and data_dir) are aliases:
 * whichever comes later wins, and both read back the same value. */
static const setting settings[] = {
    {"api.host", KIND_STRING, offsetof(pv_config, listen_host), 0, 0},
    {"api.port", KIND_PORT, offsetof(pv_config, listen_port), 0, 65535},
    {"api.threads", KIND_INT, offsetof(pv_config, http_threads), 1, 64},
    /* The blocking-work lanes (core/http/blocking_pool.h); 0 quick threads
     * is "as many as api.threads". */
    {"api.quick_lane_threads", KIND_INT, offsetof(pv_config, quick_lane_threads), 0, 64},
    {"api.slow_lane_threads", KIND_INT, offsetof(pv_config, slow_lane_threads), 1, 64},
    {"api.limits.max_request_bytes", KIND_SIZE, offsetof(pv_config, max_request_bytes), 1024,
     64 << 20},
    {"api.limits.max_channels", KIND_INT, offsetof(pv_config, max_channels_per_job), 1, 1000000},
    {"api.limits.max_page_size", KIND_INT, offsetof(pv_config, list_limit_max), 1, 100000},
    /* The limits of the synchronous GET /api/v1/pivot/export, named as in
     * SpeedData's config/pivot.yaml. */
    {"api.limits.max_channels_per_query", KIND_INT, offsetof(pv_config, sync_max_channels), 1,
     100000},
    {"api.limits.max_time_range_minutes", KIND_INT, offsetof(pv_config, sync_max_range_minutes), 1,
     525600},
    {"api.limits.max_sync_wait", KIND_DURATION_MS, offsetof(pv_config, sync_max_wait_ms), 1,
     DAY_S *INT64_C(1000)},
    {"api.limits.request_timeout", KIND_DURATION, offsetof(pv_config, request_timeout_s), 1, 3600},
    {"storage.avro_path", KIND_STRING, offsetof(pv_config, data_dir), 0, 0},
    {"data_dir", KIND_STRING, offsetof(pv_config, data_dir), 0, 0},
    {"state_dir", KIND_STRING, offsetof(pv_config, state_dir), 0, 0},
    {"plugin_dir", KIND_OPTIONAL_STRING, offsetof(pv_config, plugin_dir), 0, 0},
    /* Where jobs live: "sqlite" (or unset) for <state_dir>/jobs.db, or a
     * libpq URI for a PostgreSQL store shared by several nodes. */
    {"job_store", KIND_OPTIONAL_STRING, offsetof(pv_config, job_store), 0, 0},
    {"results_dir", KIND_OPTIONAL_STRING, offsetof(pv_config, results_dir), 0, 0},
    {"node_name", KIND_OPTIONAL_STRING, offsetof(pv_config, node_name), 0, 0},
    /* 0: no per-node limit below the cluster's jobs.max_concurrent. */
    {"jobs.node_max_concurrent", KIND_INT, offsetof(pv_config, node_max_concurrent), 0, 64},
    {"jobs.max_concurrent", KIND_INT, offsetof(pv_config, max_concurrent_jobs), 1, 64},
    /* The upper bound is checked against jobs.timeout_cap separately. */
    {"jobs.timeout", KIND_DURATION, offsetof(pv_config, job_timeout_s), 1, 30 * DAY_S},
    {"jobs.timeout_cap", KIND_DURATION, offsetof(pv_config, job_timeout_cap_s), 3600, 30 * DAY_S},
    {"jobs.retention", KIND_DURATION, offsetof(pv_config, retention_s), 1, 3650 * DAY_S},
    {"jobs.max_attempts", KIND_INT, offsetof(pv_config, max_attempts), 1, 10},
    /* Applied to each worker as RLIMIT_FSIZE; 0 is "no limit". */
    {"jobs.max_output_bytes", KIND_SIZE, offsetof(pv_config, max_output_bytes), 0,
     (int64_t)1 << 60},
    {"jobs.heartbeat_timeout", KIND_DURATION, offsetof(pv_config, heartbeat_timeout_s), 1, DAY_S},
    /* Per-user quota defaults; 0 is "no limit". */
    {"quotas.max_running_jobs", KIND_INT, offsetof(pv_config, quota_max_running), 0, 1000000},
    {"quotas.max_queued_jobs", KIND_INT, offsetof(pv_config, quota_max_queued), 0, 1000000},
    {"quotas.jobs_per_day", KIND_INT, offsetof(pv_config, quota_jobs_per_day), 0, 100000000},
    {"quotas.output_bytes_per_day", KIND_SIZE, offsetof(pv_config, quota_bytes_per_day), 0,
     (int64_t)1 << 60},
    {"quotas.max_channels_per_job", KIND_INT, offsetof(pv_config, quota_max_channels), 0, 1000000},
    {"quotas.max_time_range", KIND_DURATION, offsetof(pv_config, quota_max_range_s), 0,
     3650 * DAY_S},
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static const setting *setting_find(const char *key)
{
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strcmp(settings[i].key, key) == 0)
            return &settings[i];
    return NULL;
}

/* True when key is a proper prefix of a typed setting ("api", "api.limits"):
 * such a key must hold a mapping, never a value. */
static bool is_section(const char *key)
{
    size_t len = strlen(key);
    for (size_t i = 0; i < NSETTINGS; i++)
        if (strncmp(settings[i].key, key, len) == 0 && settings[i].key[len] == '.')
            return true;
    return false;
}

static void *field(pv_config *cfg, const setting *s)
{
    return (char *)cfg + s->offset;
}

/* --- the flat key/value list -------------------------------------------- */

static ssize_t entry_index(const pv_config *cfg, const char *key)
{
    for (size_t i = 0; i < cfg->nentries; i++)
        if (strcmp(cfg->keys[i], key) == 0)
            return (ssize_t)i;
    return -1;
}

static int entry_put(pv_config *cfg, const char *key, const char *value)
{
    char *v = strdup(value);
    if (v == NULL)
        return -1;
    ssize_t i = entry_index(cfg, key);
    if (i >= 0) {
        free(cfg->values[i]);
        cfg->values[i] = v;
        return 0;
    }
    char *k = strdup(key);
    char **keys = k != NULL ? realloc(cfg->keys, (cfg->nentries + 1) * sizeof(*keys)) : NULL;
    if (keys != NULL)
        cfg->keys = keys;
    char **values =
        keys != NULL ? realloc(cfg->values, (cfg->nentries + 1) * sizeof(*values)) : NULL;
    if (values == NULL) {
        free(k);
        free(v);
        return -1;
    }
    cfg->values = values;
    cfg->keys[cfg->nentries] = k;
    cfg->values[cfg->nentries] = v;
    cfg->nentries++;
    return 0;
}

static void entry_remove_at(pv_config *cfg, size_t i)
{
    free(cfg->keys[i]);
    free(cfg->values[i]);
    memmove(&cfg->keys[i], &cfg->keys[i + 1], (cfg->nentries - i - 1) * sizeof(char *));
    memmove(&cfg->values[i], &cfg->values[i + 1], (cfg->nentries - i - 1) * sizeof(char *));
    cfg->nentries--;
}

static void entry_remove(pv_config *cfg, const char *key)
{
    ssize_t i = entry_index(cfg, key);
    if (i >= 0)
        entry_remove_at(cfg, (size_t)i);
}

/* A sequence in the file replaces any earlier one at the same key, so its
 * old items ("key.0", "key.1.name"...) must not linger past its new end. */
static void entry_remove_items(pv_config *cfg, const char *key)
{
    size_t len = strlen(key);
    for (size_t i = cfg->nentries; i-- > 0;) {
        const char *k = cfg->keys[i];
        if (strncmp(k, key, len) == 0 && k[len] == '.' && k[len + 1] >= '0' && k[len + 1] <= '9')
            entry_remove_at(cfg, i);
    }
}

/* Mirrors a typed field into the flat list under every key naming it, so
 * pv_config_get() sees defaults and flags as well as the file. */
static int setting_sync(pv_config *cfg, const setting *s)
{
    for (size_t i = 0; i < NSETTINGS; i++) {
        const setting *t = &settings[i];
        char num[32];
        const char *text = num;
        if (t->offset != s->offset)
            continue;
        switch (t->kind) {
        case KIND_STRING:
        case KIND_OPTIONAL_STRING:
            text = *(char **)field(cfg, t);
            break;
        case KIND_PORT:
        case KIND_INT:
            snprintf(num, sizeof(num), "%d", *(int *)field(cfg, t));
            break;
        case KIND_SIZE:
            snprintf(num, sizeof(num), "%zu", *(size_t *)field(cfg, t));
            break;
        case KIND_DURATION:
            snprintf(num, sizeof(num), "%" PRId64, *(int64_t *)field(cfg, t));
            break;
        case KIND_DURATION_MS: {
            /* Whole seconds as the seconds settings read; else with its unit. */
            int64_t ms = *(int64_t *)field(cfg, t);
            if (ms % 1000 == 0)
                snprintf(num, sizeof(num), "%" PRId64, ms / 1000);
            else
                snprintf(num, sizeof(num), "%" PRId64 "ms", ms);
            break;
        }
        }
        if (text == NULL)
            entry_remove(cfg, t->key);
        else if (entry_put(cfg, t->key, text) != 0)
            return -1;
    }
    return 0;
}

/* --- parsing one value ---------------------------------------------------- */

static void describe_kind(const setting *s, char *buf, size_t len)
{
    switch (s->kind) {
    case KIND_STRING:
    case KIND_OPTIONAL_STRING:
        snprintf(buf, len, "a non-empty string");
        break;
    case KIND_PORT:
        snprintf(buf, len, "a port number (0-65535)");
        break;
    case KIND_INT:
        snprintf(buf, len, "a whole number (%" PRId64 "-%" PRId64 ")", s->min, s->max);
        break;
    case KIND_SIZE:
        snprintf(buf, len, "a number of bytes (%" PRId64 "-%" PRId64 ")", s->min, s->max);
        break;
    case KIND_DURATION:
        snprintf(buf, len, "a duration (" PV_DURATION_FORMS ")");
        break;
    case KIND_DURATION_MS:
        snprintf(buf, len, "a duration (" PV_DURATION_MS_FORMS ")");
        break;
    }
}

static int set_string(pv_config *cfg, const setting *s, const char *value, char *msg, size_t len)
{
    char **slot = field(cfg, s);
    char *copy = NULL;
    if (value[0] == '\0' && s->kind == KIND_STRING) {
        snprintf(msg, len, "%s: must not be empty", s->key);
        return -1;
    }
    if (value[0] != '\0' && (copy = strdup(value)) == NULL) {
        snprintf(msg, len, "%s: out of memory", s->key);
        return -1;
    }
    free(*slot);
    *slot = copy;
    return 0;
}

/* Parses a number-like setting with the project's one integer and one
 * duration grammar, and checks its range. */
static int set_number(pv_config *cfg, const setting *s, const char *value, char *msg, size_t len)
{
    int64_t v = 0;
    char why[PIVOT_ERRMSG_SIZE];
    int is_ms = s->kind == KIND_DURATION_MS;
    int is_duration = s->kind == KIND_DURATION || is_ms;
    int rc = is_ms ? pv_duration_parse_ms(value, &v, why, sizeof(why))
             : is_duration
                 ? pv_duration_parse(value, &v, why, sizeof(why))
                 : pivot_int_parse(value, strlen(value), s->min, s->max, &v, why, sizeof(why));
    const char *unit = is_ms ? " milliseconds" : is_duration ? " seconds" : "";
    char allowed[200];

    if (rc == PIVOT_EINVAL) {
        if (is_duration) {
            snprintf(msg, len, "%s: %s", s->key, why);
        } else {
            describe_kind(s, allowed, sizeof(allowed));
            snprintf(msg, len, "%s: \"%.64s\" is not %s", s->key, value, allowed);
        }
        return -1;
    }
    if (rc != 0 || v < s->min || v > s->max) {
        char shown[64];
        if (rc != 0)
            snprintf(shown, sizeof(shown), "%.40s", value);
        else if (is_ms || (is_duration && strspn(value, "0123456789") != strlen(value)))
            snprintf(shown, sizeof(shown), "%.24s (%" PRId64 "%s)", value, v, unit);
        else
            snprintf(shown, sizeof(shown), "%.40s%s", value, unit);
        snprintf(msg, len, "%s: must be between %" PRId64 " and %" PRId64 "%s, got %s", s->key,
                 s->min, s->max, unit, shown);
        return -1;
    }
    switch (s->kind) {
    case KIND_SIZE:
        *(size_t *)field(cfg, s) = (size_t)v;
        break;
    case KIND_DURATION:
    case KIND_DURATION_MS:
        *(int64_t *)field(cfg, s) = v;
        break;
    default:
        *(int *)field(cfg, s) = (int)v;
        break;
    }
    return 0;
}

/* jobs.timeout may exceed the default hour only as far as jobs.timeout_cap
 * allows; checked after both are known (end of file, or each flag). */
static int check_timeout(const pv_config *cfg, const char *key, char *msg, size_t len)
{
    if (cfg->job_timeout_s <= cfg->job_timeout_cap_s)
        return 0;
    if (strcmp(key, "jobs.timeout_cap") == 0)
        snprintf(msg, len,
                 "jobs.timeout_cap: must be at least jobs.timeout (%" PRId64
                 " seconds), got %" PRId64 " seconds",
                 cfg->job_timeout_s, cfg->job_timeout_cap_s);
    else
        snprintf(msg, len,
                 "jobs.timeout: must be between 1 and %" PRId64 " seconds (jobs.timeout_cap), got "
                 "%" PRId64 " seconds",
                 cfg->job_timeout_cap_s, cfg->job_timeout_s);
    return -1;
}

/*
 * Applies one dotted key. value NULL is YAML's null: it unsets an optional
 * setting or an unknown key. cross_check is false while a file is being
 * read, whose keys may come in any order.
 */
static int config_apply(pv_config *cfg, const char *key, const char *value, bool cross_check,
                        char *msg, size_t len)
{
    const setting *s = setting_find(key);
    /* Restored when the pair would be inconsistent, so a refused flag changes nothing. */
    int64_t saved_timeout = cfg->job_timeout_s, saved_cap = cfg->job_timeout_cap_s;
    int rc;

    if (key[0] == '\0') {
        snprintf(msg, len, "empty setting name");
        return -1;
    }
    if (s == NULL) {
        if (is_section(key)) {
            snprintf(msg, len, "%s: is a section of settings, not a single value", key);
            return -1;
        }
        if (value == NULL) {
            entry_remove(cfg, key);
            return 0;
        }
        if (entry_put(cfg, key, value) != 0) {
            snprintf(msg, len, "%s: out of memory", key);
            return -1;
        }
        return 0;
    }
    if (s->offset == offsetof(pv_config, data_dir))
        cfg->data_dir_set = 1;
    if (value == NULL && s->kind != KIND_OPTIONAL_STRING) {
        char allowed[160];
        describe_kind(s, allowed, sizeof(allowed));
        snprintf(msg, len, "%s: a value is required, %s", key, allowed);
        return -1;
    }
    if (s->kind == KIND_STRING || s->kind == KIND_OPTIONAL_STRING)
        rc = set_string(cfg, s, value != NULL ? value : "", msg, len);
    else
        rc = set_number(cfg, s, value, msg, len);
    if (rc == 0 && cross_check && check_timeout(cfg, key, msg, len) != 0) {
        cfg->job_timeout_s = saved_timeout;
        cfg->job_timeout_cap_s = saved_cap;
        return -1;
    }
    if (rc == 0 && setting_sync(cfg, s) != 0) {
        snprintf(msg, len, "%s: out of memory", key);
        rc = -1;
    }
    return rc;
}

/* --- public interface ------------------------------------------------------ */

int pv_config_defaults(pv_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->listen_host = strdup("127.0.0.1");
    cfg->data_dir = strdup("./data");
    cfg->state_dir = strdup("./pivot");
    cfg->listen_port = 8000;
    cfg->max_request_bytes = 1 << 20;
    cfg->http_threads = 2;
    cfg->max_concurrent_jobs = 3;
    cfg->job_timeout_s = 3600;
    cfg->job_timeout_cap_s = 3600;
    cfg->retention_s = DAY_S;
    cfg->max_attempts = 2;
    cfg->heartbeat_timeout_s = 120;
    cfg->max_channels_per_job = 10000;
    cfg->list_limit_max = 1000;
    cfg->sync_max_channels = 20;
    cfg->sync_max_range_minutes = 5;
    cfg->sync_max_wait_ms = 600 * 1000;
    cfg->quick_lane_threads = 0;
    cfg->slow_lane_threads = 4;
    cfg->request_timeout_s = 10;
    cfg->quota_max_queued = 100;
    cfg->quota_jobs_per_day = 1000;
    if (cfg->listen_host == NULL || cfg->data_dir == NULL || cfg->state_dir == NULL)
        goto fail;
    for (size_t i = 0; i < NSETTINGS; i++)
        if (setting_sync(cfg, &settings[i]) != 0)
            goto fail;
    return 0;
fail:
    pv_config_free(cfg);
    return -1;
}

int pv_config_set(pv_config *cfg, const char *key, const char *value, char *err, size_t errlen)
{
    return config_apply(cfg, key != NULL ? key : "", value, true, err, errlen);
}

const char *pv_config_get(const pv_config *cfg, const char *key)
{
    if (cfg == NULL || key == NULL)
        return NULL;
    ssize_t i = entry_index(cfg, key);
    return i >= 0 ? cfg->values[i] : NULL;
}

size_t pv_config_auth_backends(const pv_config *cfg, const char **names, size_t max)
{
    size_t n = 0;

    for (; n < max; n++) {
        char key[64];
        snprintf(key, sizeof(key), "auth.backends.%zu", n);
        if ((names[n] = pv_config_get(cfg, key)) == NULL)
            break;
    }
    if (n == 0 && max > 0)
        names[n++] = "apikey"; /* the documented default */
    return n;
}

const char *pv_config_key_at(const pv_config *cfg, size_t index)
{
    return cfg != NULL && index < cfg->nentries ? cfg->keys[index] : NULL;
}

void pv_config_free(pv_config *cfg)
{
    if (cfg == NULL)
        return;
    free(cfg->listen_host);
    free(cfg->data_dir);
    free(cfg->state_dir);
    free(cfg->plugin_dir);
    free(cfg->job_store);
    free(cfg->results_dir);
    free(cfg->node_name);
    for (size_t i = 0; i < cfg->nentries; i++) {
        free(cfg->keys[i]);
        free(cfg->values[i]);
    }
    free(cfg->keys);
    free(cfg->values);
    memset(cfg, 0, sizeof(*cfg));
}

/* --- for the file reader (config_file.c) ----------------------------------- */

int pv_config_apply_key(pv_config *cfg, const char *key, const char *value, bool cross_check,
                        char *msg, size_t len)
{
    return config_apply(cfg, key, value, cross_check, msg, len);
}

bool pv_config_is_typed(const char *key)
{
    return setting_find(key) != NULL;
}

bool pv_config_is_section(const char *key)
{
    return is_section(key);
}

void pv_config_remove_items(pv_config *cfg, const char *key)
{
    entry_remove_items(cfg, key);
}

int pv_config_check_timeout(const pv_config *cfg, const char *key, char *msg, size_t len)
{
    return check_timeout(cfg, key, msg, len);
}
