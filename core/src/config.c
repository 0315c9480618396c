/*
 * pivotd's configuration: a table of typed settings over a flat list of
 * dotted keys. The YAML reader flattens the file and hands every scalar to
 * the same function that command-line flags use, so a flag and a line of the
 * file are validated alike. Unknown keys are kept, not refused, because the
 * file is shared with the rest of SpeedData and plugins read their own keys.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <yaml.h>

#define CONFIG_MSG_SIZE 512
/* Deeper nesting than this is a mistake, and recursion must stay bounded. */
#define CONFIG_MAX_DEPTH 64
#define DAY_S (24 * 3600)

enum setting_kind {
    KIND_STRING,          /**< non-empty string */
    KIND_OPTIONAL_STRING, /**< string, or null/empty for "unset" */
    KIND_PORT,            /**< int, 0..65535 */
    KIND_INT,             /**< int in [min, max] */
    KIND_SIZE,            /**< size_t byte count in [min, max] */
    KIND_DURATION,        /**< int64_t seconds in [min, max], with an optional unit */
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
    {"api.limits.max_sync_wait", KIND_DURATION, offsetof(pv_config, sync_max_wait_s), 1, DAY_S},
    {"storage.avro_path", KIND_STRING, offsetof(pv_config, data_dir), 0, 0},
    {"data_dir", KIND_STRING, offsetof(pv_config, data_dir), 0, 0},
    {"state_dir", KIND_STRING, offsetof(pv_config, state_dir), 0, 0},
    {"plugin_dir", KIND_OPTIONAL_STRING, offsetof(pv_config, plugin_dir), 0, 0},
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
        }
        if (text == NULL)
            entry_remove(cfg, t->key);
        else if (entry_put(cfg, t->key, text) != 0)
            return -1;
    }
    return 0;
}

/* --- parsing one value ---------------------------------------------------- */

/* Decimal integer of len bytes with an optional minus sign. Returns 0, -1
 * when text is not a number, or 1 when it is one too large to represent. */
static int parse_int(const char *text, size_t len, int64_t *out)
{
    size_t i = text[0] == '-' ? 1 : 0;
    int64_t v = 0;
    if (i == len)
        return -1;
    for (; i < len; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        if (v > (INT64_MAX - (text[i] - '0')) / 10)
            return 1;
        v = v * 10 + (text[i] - '0');
    }
    *out = text[0] == '-' ? -v : v;
    return 0;
}

/* Seconds as a bare integer, or an integer followed by s, m, h or d. */
static int parse_duration(const char *text, int64_t *out)
{
    static const char units[] = "smhd";
    static const int64_t unit_s[] = {1, 60, 3600, DAY_S};
    size_t len = strlen(text);
    const char *u = len > 0 ? strchr(units, text[len - 1]) : NULL;
    int64_t unit = u != NULL ? unit_s[u - units] : 1;
    int64_t v;
    int rc = parse_int(text, u != NULL ? len - 1 : len, &v);
    if (rc != 0)
        return rc;
    if (v > INT64_MAX / unit || v < INT64_MIN / unit)
        return 1;
    *out = v * unit;
    return 0;
}

static const char *const duration_forms = "seconds, or a number followed by s, m, h or d, "
                                          "such as \"90s\", \"15m\", \"1h\", \"2d\"";

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
        snprintf(buf, len, "a duration (%s)", duration_forms);
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

/* Parses a number-like setting and checks its range. */
static int set_number(pv_config *cfg, const setting *s, const char *value, char *msg, size_t len)
{
    int64_t v = 0;
    int rc =
        s->kind == KIND_DURATION ? parse_duration(value, &v) : parse_int(value, strlen(value), &v);
    const char *unit = s->kind == KIND_DURATION ? " seconds" : "";
    char allowed[160];

    if (rc < 0) {
        describe_kind(s, allowed, sizeof(allowed));
        snprintf(msg, len, "%s: \"%.64s\" is not %s", s->key, value, allowed);
        return -1;
    }
    if (rc > 0 || v < s->min || v > s->max) {
        char shown[64];
        if (rc > 0)
            snprintf(shown, sizeof(shown), "%.40s", value);
        else if (s->kind == KIND_DURATION && strspn(value, "-0123456789") != strlen(value))
            snprintf(shown, sizeof(shown), "%.24s (%" PRId64 " seconds)", value, v);
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
    cfg->sync_max_wait_s = 600;
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

void pv_config_free(pv_config *cfg)
{
    if (cfg == NULL)
        return;
    free(cfg->listen_host);
    free(cfg->data_dir);
    free(cfg->state_dir);
    free(cfg->plugin_dir);
    for (size_t i = 0; i < cfg->nentries; i++) {
        free(cfg->keys[i]);
        free(cfg->values[i]);
    }
    free(cfg->keys);
    free(cfg->values);
    memset(cfg, 0, sizeof(*cfg));
}

/* --- the YAML file --------------------------------------------------------- */

typedef struct loader {
    pv_config *cfg;
    yaml_parser_t parser;
    const char *path;
    char *err;
    size_t errlen;
    size_t timeout_line; /**< where jobs.timeout / jobs.timeout_cap were set, 0 if not */
    size_t cap_line;
} loader;

static int loader_next(loader *ld, yaml_event_t *ev)
{
    yaml_parser_t *p = &ld->parser;
    if (yaml_parser_parse(p, ev))
        return 0;
    if (p->error == YAML_READER_ERROR)
        snprintf(ld->err, ld->errlen, "%s: byte %zu: %s", ld->path, p->problem_offset,
                 p->problem != NULL ? p->problem : "cannot read");
    else
        snprintf(ld->err, ld->errlen, "%s:%zu:%zu: %s%s%s%s", ld->path, p->problem_mark.line + 1,
                 p->problem_mark.column + 1, p->problem != NULL ? p->problem : "out of memory",
                 p->context != NULL ? " (" : "", p->context != NULL ? p->context : "",
                 p->context != NULL ? ")" : "");
    return -1;
}

static int loader_fail(loader *ld, const yaml_event_t *at, const char *msg)
{
    snprintf(ld->err, ld->errlen, "%s:%zu: %s", ld->path, at->start_mark.line + 1, msg);
    return -1;
}

static bool scalar_is_null(const yaml_event_t *ev)
{
    const char *v = (const char *)ev->data.scalar.value;
    const char *tag = (const char *)ev->data.scalar.tag;
    if (tag != NULL)
        return strcmp(tag, YAML_NULL_TAG) == 0;
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    return v[0] == '\0' || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static char *key_join(const char *prefix, const char *name)
{
    size_t a = strlen(prefix), b = strlen(name);
    char *key = malloc(a + b + 2);
    if (key == NULL)
        return NULL;
    if (a > 0) {
        memcpy(key, prefix, a);
        key[a++] = '.';
    }
    memcpy(key + a, name, b + 1);
    return key;
}

static int load_node(loader *ld, const yaml_event_t *ev, const char *key, int depth);

static int load_scalar(loader *ld, const yaml_event_t *ev, const char *key)
{
    char msg[CONFIG_MSG_SIZE];
    const char *value = scalar_is_null(ev) ? NULL : (const char *)ev->data.scalar.value;
    if (config_apply(ld->cfg, key, value, false, msg, sizeof(msg)) != 0)
        return loader_fail(ld, ev, msg);
    if (strcmp(key, "jobs.timeout") == 0)
        ld->timeout_line = ev->start_mark.line + 1;
    else if (strcmp(key, "jobs.timeout_cap") == 0)
        ld->cap_line = ev->start_mark.line + 1;
    return 0;
}

/* Refuses a mapping or sequence where a typed value or a section belongs. */
static int check_container(loader *ld, const yaml_event_t *ev, const char *key, const char *what)
{
    char msg[CONFIG_MSG_SIZE];
    if (setting_find(key) != NULL) {
        snprintf(msg, sizeof(msg), "%s: expected a single value, got a %s", key, what);
        return loader_fail(ld, ev, msg);
    }
    if (strcmp(what, "sequence") == 0 && is_section(key)) {
        snprintf(msg, sizeof(msg), "%s: expected a mapping of settings, got a sequence", key);
        return loader_fail(ld, ev, msg);
    }
    return 0;
}

static int load_sequence(loader *ld, const char *key, int depth)
{
    int rc = 0;
    entry_remove_items(ld->cfg, key);
    for (size_t i = 0; rc == 0; i++) {
        yaml_event_t item;
        char index[24];
        if (loader_next(ld, &item) != 0)
            return -1;
        if (item.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&item);
            break;
        }
        snprintf(index, sizeof(index), "%zu", i);
        char *child = key_join(key, index);
        rc = child != NULL ? load_node(ld, &item, child, depth + 1)
                           : loader_fail(ld, &item, "out of memory");
        free(child);
        yaml_event_delete(&item);
    }
    return rc;
}

static int load_mapping(loader *ld, const char *prefix, int depth)
{
    int rc = 0;
    while (rc == 0) {
        yaml_event_t name, value;
        char *child = NULL;
        if (loader_next(ld, &name) != 0)
            return -1;
        if (name.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&name);
            break;
        }
        if (name.type != YAML_SCALAR_EVENT || name.data.scalar.length == 0) {
            char msg[CONFIG_MSG_SIZE];
            snprintf(msg, sizeof(msg), "%s%skeys must be non-empty names", prefix,
                     prefix[0] != '\0' ? ": " : "");
            rc = loader_fail(ld, &name, msg);
        } else if ((child = key_join(prefix, (const char *)name.data.scalar.value)) == NULL) {
            rc = loader_fail(ld, &name, "out of memory");
        } else if (loader_next(ld, &value) != 0) {
            rc = -1;
        } else {
            rc = load_node(ld, &value, child, depth + 1);
            yaml_event_delete(&value);
        }
        free(child);
        yaml_event_delete(&name);
    }
    return rc;
}

static int load_node(loader *ld, const yaml_event_t *ev, const char *key, int depth)
{
    char msg[CONFIG_MSG_SIZE];
    if (depth > CONFIG_MAX_DEPTH) {
        snprintf(msg, sizeof(msg), "%.200s: nested more than %d levels deep", key,
                 CONFIG_MAX_DEPTH);
        return loader_fail(ld, ev, msg);
    }
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return load_scalar(ld, ev, key);
    case YAML_SEQUENCE_START_EVENT:
        if (check_container(ld, ev, key, "sequence") != 0)
            return -1;
        return load_sequence(ld, key, depth);
    case YAML_MAPPING_START_EVENT:
        if (check_container(ld, ev, key, "mapping") != 0)
            return -1;
        return load_mapping(ld, key, depth);
    case YAML_ALIAS_EVENT:
        snprintf(msg, sizeof(msg), "%s: aliases (*%s) are not supported", key,
                 (const char *)ev->data.alias.anchor);
        return loader_fail(ld, ev, msg);
    default:
        snprintf(msg, sizeof(msg), "%s: unexpected YAML event", key);
        return loader_fail(ld, ev, msg);
    }
}

/* Reads the single document of the stream; an empty stream or document is
 * allowed and leaves the settings as they are. */
static int load_document(loader *ld)
{
    yaml_event_t ev;
    int rc = -1;
    bool seen_document = false;

    for (;;) {
        if (loader_next(ld, &ev) != 0)
            return -1;
        if (ev.type == YAML_STREAM_END_EVENT)
            break;
        if (ev.type == YAML_DOCUMENT_START_EVENT && seen_document) {
            rc = loader_fail(ld, &ev, "only one YAML document is allowed");
            goto out;
        }
        if (ev.type == YAML_DOCUMENT_START_EVENT)
            seen_document = true;
        if (ev.type == YAML_MAPPING_START_EVENT) {
            if (load_mapping(ld, "", 0) != 0)
                goto out;
        } else if (ev.type == YAML_SCALAR_EVENT && scalar_is_null(&ev)) {
            /* An empty document: nothing to set. */
        } else if (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
                   ev.type == YAML_ALIAS_EVENT) {
            rc = loader_fail(ld, &ev,
                             ev.type == YAML_SEQUENCE_START_EVENT
                                 ? "the top level must be a mapping of settings, got a "
                                   "sequence"
                                 : "the top level must be a mapping of settings, got a "
                                   "single value");
            goto out;
        }
        yaml_event_delete(&ev);
    }
    rc = 0;
out:
    yaml_event_delete(&ev);
    return rc;
}

/* Runs the parser over the whole file first: a syntax error further down is
 * usually the cause of a strange value above it, so it is the one to report,
 * and a file that is not YAML then changes no setting at all. */
static int check_syntax(loader *ld)
{
    yaml_event_t ev;
    bool done = false;
    while (!done) {
        if (loader_next(ld, &ev) != 0)
            return -1;
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    return 0;
}

int pv_config_load_file(pv_config *cfg, const char *path, char *err, size_t errlen)
{
    loader ld = {.cfg = cfg, .path = path, .err = err, .errlen = errlen};
    struct stat st;
    int rc = -1;
    FILE *f = fopen(path, "rb");

    if (f == NULL) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    /* A directory opens fine and only fails at the first read, with a less
     * helpful message from the YAML reader. */
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(EISDIR));
        goto out_file;
    }
    if (!yaml_parser_initialize(&ld.parser)) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out_file;
    }
    yaml_parser_set_input_file(&ld.parser, f);
    if (check_syntax(&ld) != 0)
        goto out;
    yaml_parser_delete(&ld.parser);
    rewind(f);
    if (!yaml_parser_initialize(&ld.parser)) {
        snprintf(err, errlen, "%s: out of memory", path);
        goto out_file;
    }
    yaml_parser_set_input_file(&ld.parser, f);
    if (load_document(&ld) != 0)
        goto out;
    if (check_timeout(cfg, ld.timeout_line != 0 ? "jobs.timeout" : "jobs.timeout_cap", err,
                      errlen) != 0) {
        /* Prefix the line of whichever key the file set, as for any other error. */
        char msg[CONFIG_MSG_SIZE];
        size_t line = ld.timeout_line != 0 ? ld.timeout_line : ld.cap_line;
        snprintf(msg, sizeof(msg), "%s", err);
        snprintf(err, errlen, "%s:%zu: %s", path, line, msg);
        goto out;
    }
    rc = 0;
out:
    yaml_parser_delete(&ld.parser);
out_file:
    fclose(f);
    return rc;
}
