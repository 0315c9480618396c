/*
 * SpeedData's configuration of its channels. Precedence, per channel: the
 * schema named by pivotd's own storage.channels.<name>.schema, then the
 * registry (SpeedData v0.5 and later), then config/relay.yaml, then
 * config/agents/<channel>.avsc. Relative paths are relative to the SpeedData
 * root, as SpeedData itself resolves them.
 */
#include "site_config.h"
#include "avro_source.h"
#include "channel_dir.h"
#include "time_unit.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#define SETTINGS_PREFIX "storage.channels."

const char *pva_origin_name(pva_schema_origin origin)
{
    switch (origin) {
    case PVA_ORIGIN_SETTINGS:
        return "storage.channels";
    case PVA_ORIGIN_REGISTRY:
        return "registry";
    case PVA_ORIGIN_RELAY_YAML:
        return "relay.yaml";
    case PVA_ORIGIN_SCHEMA_FOLDER:
        return "schema folder";
    case PVA_ORIGIN_FILE_HEADER:
        return "file header";
    case PVA_ORIGIN_NONE:
        break;
    }
    return NULL;
}

static const char *setting(const char *key)
{
    return pva_host != NULL && pva_host->config_get != NULL ? pva_host->config_get(key) : NULL;
}

/* A path of the configuration made absolute against the root (or kept as given). */
static char *resolve_path(const pva_site *site, const char *path)
{
    char *out = NULL;

    if (path[0] == '/' || site->root == NULL)
        return strdup(path);
    if (asprintf(&out, "%s/%s", site->root, path) < 0)
        return NULL;
    return out;
}

static void conf_clear_schemas(pva_channel_conf *c)
{
    for (size_t i = 0; i < c->nschemas; i++)
        free(c->schemas[i]);
    free(c->schemas);
    c->schemas = NULL;
    c->nschemas = 0;
}

/* The entry of `name`, added when missing; NULL when out of memory. */
static pva_channel_conf *conf_get(pva_site *site, const char *name, size_t len)
{
    for (size_t i = 0; i < site->count; i++)
        if (strlen(site->channels[i].name) == len && memcmp(site->channels[i].name, name, len) == 0)
            return &site->channels[i];
    pva_channel_conf *grown = realloc(site->channels, (site->count + 1) * sizeof(*grown));
    if (grown == NULL)
        return NULL;
    site->channels = grown;
    pva_channel_conf *c = &site->channels[site->count];
    memset(c, 0, sizeof(*c));
    c->name = strndup(name, len);
    if (c->name == NULL)
        return NULL;
    site->count++;
    return c;
}

/* Sets the schema list of a channel to the one path `path`, from `origin`. */
static int conf_set_schema(pva_site *site, pva_channel_conf *c, const char *path,
                           pva_schema_origin origin)
{
    char *resolved = resolve_path(site, path);

    if (resolved == NULL)
        return PIVOT_ENOMEM;
    conf_clear_schemas(c);
    c->schemas = malloc(sizeof(*c->schemas));
    if (c->schemas == NULL) {
        free(resolved);
        return PIVOT_ENOMEM;
    }
    c->schemas[0] = resolved;
    c->nschemas = 1;
    c->origin = origin;
    return 0;
}

/* A channel named by a source: refused (and logged) when it is not a valid channel name. */
static pva_channel_conf *named_channel(pva_site *site, const char *name, const char *where)
{
    if (!pva_channel_name_valid(name) || strlen(name) > 128) {
        pva_log(PIVOT_LOG_WARNING, "%s names channel \"%s\", which is not a valid channel name",
                where, name);
        return NULL;
    }
    return conf_get(site, name, strlen(name));
}

/* --- config/relay.yaml ------------------------------------------------------ */

static const char *yaml_scalar(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        if (k != NULL && k->type == YAML_SCALAR_NODE && v != NULL && v->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return (const char *)v->data.scalar.value;
    }
    return NULL;
}

static yaml_node_t *yaml_member(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k != NULL && k->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(doc, p->value);
    }
    return NULL;
}

/* channels: [{name, schema}, ...] of the relay's configuration. */
static int read_relay_yaml(pva_site *site)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_node_t *list;
    FILE *fp;
    int rc = 0;

    fp = fopen(site->relay_yaml, "rb");
    if (fp == NULL)
        return 0; /* a site without relay.yaml (the registry alone) is normal */
    if (!yaml_parser_initialize(&parser)) {
        fclose(fp);
        return PIVOT_ENOMEM;
    }
    yaml_parser_set_input_file(&parser, fp);
    if (!yaml_parser_load(&parser, &doc)) {
        pva_log(PIVOT_LOG_WARNING, "config/relay.yaml: not readable YAML (line %zu): %s",
                parser.problem_mark.line + 1, parser.problem ? parser.problem : "unknown error");
        goto done;
    }
    list = yaml_member(&doc, yaml_document_get_root_node(&doc), "channels");
    if (list != NULL && list->type == YAML_SEQUENCE_NODE) {
        for (yaml_node_item_t *it = list->data.sequence.items.start;
             it < list->data.sequence.items.top && rc == 0; it++) {
            yaml_node_t *entry = yaml_document_get_node(&doc, *it);
            const char *name = yaml_scalar(&doc, entry, "name");
            const char *schema = yaml_scalar(&doc, entry, "schema");
            pva_channel_conf *c;

            if (name == NULL)
                continue;
            c = named_channel(site, name, "config/relay.yaml");
            if (c != NULL && schema != NULL && schema[0] != '\0')
                rc = conf_set_schema(site, c, schema, PVA_ORIGIN_RELAY_YAML);
        }
    }
    yaml_document_delete(&doc);
done:
    yaml_parser_delete(&parser);
    fclose(fp);
    return rc;
}

/* --- the registry ----------------------------------------------------------- */

/* Returns 0, PIVOT_EIO when the registry cannot be read now (busy, damaged), or ENOMEM. */
static int read_registry(pva_site *site)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = 0, src = SQLITE_DONE;

    /* Read-only and without waiting: the registry belongs to SpeedData, which
     * writes it; a busy one is read again at the next refresh. */
    if (sqlite3_open_v2(site->registry, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT name, schema_path FROM channels ORDER BY name", -1, &st,
                           NULL) != SQLITE_OK) {
        pva_log(PIVOT_LOG_WARNING, "the channel registry cannot be read: %s",
                db != NULL ? sqlite3_errmsg(db) : "out of memory");
        rc = PIVOT_EIO;
        goto out;
    }
    while ((src = sqlite3_step(st)) == SQLITE_ROW && rc == 0) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *schema = (const char *)sqlite3_column_text(st, 1);
        pva_channel_conf *c;

        if (name == NULL)
            continue;
        c = named_channel(site, name, "the channel registry");
        if (c != NULL && schema != NULL && schema[0] != '\0')
            rc = conf_set_schema(site, c, schema, PVA_ORIGIN_REGISTRY);
    }
    if (rc == 0 && src != SQLITE_DONE) {
        pva_log(PIVOT_LOG_WARNING, "the channel registry cannot be read: %s", sqlite3_errmsg(db));
        rc = PIVOT_EIO;
    }
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

/* --- pivotd's own settings --------------------------------------------------- */

/* Splits "storage.channels.<name>.<what>" where <what> is one of ours. */
static int split_key(const char *key, const char **name, size_t *name_len, const char **what)
{
    static const char *const suffixes[] = {".schema", ".path", ".time_unit"};
    const char *rest, *dot;

    if (strncmp(key, SETTINGS_PREFIX, strlen(SETTINGS_PREFIX)) != 0)
        return 0;
    rest = key + strlen(SETTINGS_PREFIX);
    /* ".schema.<n>" is an item of a list of versions. */
    dot = strrchr(rest, '.');
    if (dot != NULL && dot[1] >= '0' && dot[1] <= '9' && dot > rest) {
        const char *prev = dot;
        while (prev > rest && prev[-1] != '.')
            prev--;
        if (prev > rest && (size_t)(dot - prev) == 6 && strncmp(prev, "schema", 6) == 0) {
            *name = rest;
            *name_len = (size_t)(prev - 1 - rest);
            *what = prev - 1;
            return *name_len > 0;
        }
    }
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t n = strlen(rest), sl = strlen(suffixes[i]);
        if (n > sl && strcmp(rest + n - sl, suffixes[i]) == 0) {
            *name = rest;
            *name_len = n - sl;
            *what = rest + n - sl;
            return 1;
        }
    }
    return 0;
}

/* The versions of storage.channels.<name>.schema: one path, or items .0, .1, ... */
static int settings_schemas(pva_site *site, pva_channel_conf *c, char *err, size_t errlen)
{
    char key[512];
    const char *one;

    snprintf(key, sizeof(key), SETTINGS_PREFIX "%s.schema", c->name);
    one = setting(key);
    if (one != NULL)
        return conf_set_schema(site, c, one, PVA_ORIGIN_SETTINGS);
    conf_clear_schemas(c);
    for (size_t i = 0;; i++) {
        snprintf(key, sizeof(key), SETTINGS_PREFIX "%s.schema.%zu", c->name, i);
        one = setting(key);
        if (one == NULL)
            break;
        char **grown = realloc(c->schemas, (i + 1) * sizeof(*grown));
        if (grown == NULL)
            return PIVOT_ENOMEM;
        c->schemas = grown;
        c->schemas[i] = resolve_path(site, one);
        if (c->schemas[i] == NULL)
            return PIVOT_ENOMEM;
        c->nschemas = i + 1;
    }
    if (c->nschemas == 0) {
        pva_errf(err, errlen, SETTINGS_PREFIX "%s.schema: give an .avsc path or a list of them",
                 c->name);
        return PIVOT_EINVAL;
    }
    c->origin = PVA_ORIGIN_SETTINGS;
    return 0;
}

static int read_settings(pva_site *site, char *err, size_t errlen)
{
    const char *key, *name, *what;
    size_t len;
    int rc = 0;

    if (pva_host == NULL)
        return 0;
    for (size_t i = 0; rc == 0 && (key = pva_host->config_key_at(i)) != NULL; i++) {
        char cname[256];
        pva_channel_conf *c;

        if (!split_key(key, &name, &len, &what))
            continue;
        if (len >= sizeof(cname))
            continue;
        memcpy(cname, name, len);
        cname[len] = '\0';
        c = named_channel(site, cname, SETTINGS_PREFIX "<name>");
        if (c == NULL)
            continue;
        if (strncmp(what, ".schema", 7) == 0) {
            if (c->origin != PVA_ORIGIN_SETTINGS)
                rc = settings_schemas(site, c, err, errlen);
        } else if (strcmp(what, ".path") == 0) {
            free(c->dir);
            c->dir = resolve_path(site, setting(key));
            rc = c->dir == NULL ? PIVOT_ENOMEM : 0;
        } else {
            c->ns_per_unit = pva_time_unit_parse(setting(key));
            if (c->ns_per_unit == 0) {
                pva_errf(err, errlen, "%s: \"%s\" is not a time unit; use s, ms, us or ns", key,
                         setting(key));
                rc = PIVOT_EINVAL;
            }
        }
    }
    return rc;
}

/* --- loading ------------------------------------------------------------------ */

static int compare_confs(const void *a, const void *b)
{
    return strcmp(((const pva_channel_conf *)a)->name, ((const pva_channel_conf *)b)->name);
}

static struct timespec mtime_of(const char *path)
{
    struct stat st;
    struct timespec none = {0, 0};

    return path != NULL && stat(path, &st) == 0 ? st.st_mtim : none;
}

static void free_confs(pva_channel_conf *confs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        conf_clear_schemas(&confs[i]);
        free(confs[i].name);
        free(confs[i].dir);
    }
    free(confs);
}

static void clear_channels(pva_site *site)
{
    free_confs(site->channels, site->count);
    site->channels = NULL;
    site->count = 0;
}

static int read_channels(pva_site *site, char *err, size_t errlen)
{
    pva_channel_conf *old = site->channels;
    size_t nold = site->count;
    int rc = 0;

    site->channels = NULL;
    site->count = 0;
    site->registry_mtime = mtime_of(site->registry);
    site->relay_mtime = mtime_of(site->relay_yaml);
    /* Lowest precedence first: each source overrides the schema of the one before. */
    if (site->relay_yaml != NULL)
        rc = read_relay_yaml(site);
    if (rc == 0 && site->registry != NULL && site->registry_mtime.tv_sec != 0)
        rc = read_registry(site);
    if (rc == 0)
        rc = read_settings(site, err, errlen);
    if (rc == 0 && site->count > 1)
        qsort(site->channels, site->count, sizeof(*site->channels), compare_confs);
    if (rc == PIVOT_EIO && old != NULL) {
        /* A registry busy now: keep what was read before and try again later. */
        clear_channels(site);
        site->channels = old;
        site->count = nold;
        site->registry_mtime.tv_sec = site->registry_mtime.tv_nsec = 0;
        return 0;
    }
    free_confs(old, nold);
    if (rc == PIVOT_EIO)
        rc = 0; /* the first read: the other sources' channels are usable */
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory reading the channels' configuration");
    return rc;
}

int pva_site_load(pva_site *site, char *err, size_t errlen)
{
    const char *root = setting("speeddata.root");
    const char *registry = setting("speeddata.registry");

    const char *unit = setting("storage.time_unit");

    memset(site, 0, sizeof(*site));
    if (unit != NULL && strcmp(unit, "auto") != 0) {
        site->ns_per_unit = pva_time_unit_parse(unit);
        if (site->ns_per_unit == 0) {
            pva_errf(err, errlen,
                     "storage.time_unit: \"%s\" is not a time unit; use auto, s, ms, us or ns",
                     unit);
            return PIVOT_EINVAL;
        }
    }
    if (root != NULL && root[0] != '\0') {
        site->root = realpath(root, NULL);
        if (site->root == NULL && (site->root = strdup(root)) == NULL)
            goto nomem;
        if (asprintf(&site->relay_yaml, "%s/config/relay.yaml", site->root) < 0) {
            site->relay_yaml = NULL;
            goto nomem;
        }
        if (asprintf(&site->schema_folder, "%s/config/agents", site->root) < 0) {
            site->schema_folder = NULL;
            goto nomem;
        }
        if (registry == NULL && asprintf(&site->registry, "%s/data/registry.db", site->root) < 0) {
            site->registry = NULL;
            goto nomem;
        }
    }
    if (registry != NULL && registry[0] != '\0' &&
        (site->registry = resolve_path(site, registry)) == NULL)
        goto nomem;
    return read_channels(site, err, errlen);
nomem:
    pva_errf(err, errlen, "out of memory reading the channels' configuration");
    return PIVOT_ENOMEM;
}

static int same_time(struct timespec a, struct timespec b)
{
    return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

int pva_site_refresh(pva_site *site, char *err, size_t errlen)
{
    struct timespec now;

    /* SpeedData touches its registry with every heartbeat: look at most once a second. */
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec == site->checked.tv_sec)
        return 0;
    site->checked = now;
    if (same_time(mtime_of(site->registry), site->registry_mtime) &&
        same_time(mtime_of(site->relay_yaml), site->relay_mtime))
        return 0;
    return read_channels(site, err, errlen);
}

const pva_channel_conf *pva_site_channel(const pva_site *site, const char *channel)
{
    pva_channel_conf key = {.name = (char *)channel};

    if (site->count == 0)
        return NULL;
    return bsearch(&key, site->channels, site->count, sizeof(*site->channels), compare_confs);
}

int pva_site_folder_schema(const pva_site *site, const char *channel, char *buf, size_t len)
{
    struct stat st;
    int n;

    if (site->schema_folder == NULL)
        return 0;
    n = snprintf(buf, len, "%s/%s.avsc", site->schema_folder, channel);
    return n > 0 && (size_t)n < len && stat(buf, &st) == 0 && S_ISREG(st.st_mode);
}

void pva_site_describe_search(const pva_site *site, const char *channel, char *out, size_t len)
{
    if (site->root == NULL) {
        snprintf(out, len,
                 "set " SETTINGS_PREFIX "%s.schema, or speeddata.root to SpeedData's folder so "
                 "that its registry, config/relay.yaml and config/agents are read",
                 channel);
        return;
    }
    snprintf(out, len,
             "looked in " SETTINGS_PREFIX "%s.schema, the registry (%s), config/relay.yaml and "
             "config/agents/%s.avsc",
             channel,
             site->registry != NULL && site->registry_mtime.tv_sec != 0 ? "read" : "absent",
             channel);
}

void pva_site_free(pva_site *site)
{
    clear_channels(site);
    free(site->root);
    free(site->registry);
    free(site->relay_yaml);
    free(site->schema_folder);
    memset(site, 0, sizeof(*site));
}
