/*
 * Reading pivotd's YAML configuration file: libyaml's events are flattened
 * to dotted keys and every scalar goes through the same function as a
 * command-line flag (pv_config_apply_key), so both are validated alike.
 */
#include "config.h"

#include "config_internal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

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
    if (pv_config_apply_key(ld->cfg, key, value, false, msg, sizeof(msg)) != 0)
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
    if (pv_config_is_typed(key)) {
        snprintf(msg, sizeof(msg), "%s: expected a single value, got a %s", key, what);
        return loader_fail(ld, ev, msg);
    }
    if (strcmp(what, "sequence") == 0 && pv_config_is_section(key)) {
        snprintf(msg, sizeof(msg), "%s: expected a mapping of settings, got a sequence", key);
        return loader_fail(ld, ev, msg);
    }
    return 0;
}

static int load_sequence(loader *ld, const char *key, int depth)
{
    int rc = 0;
    pv_config_remove_items(ld->cfg, key);
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
    if (pv_config_check_timeout(cfg, ld.timeout_line != 0 ? "jobs.timeout" : "jobs.timeout_cap",
                                err, errlen) != 0) {
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

/*
 * SpeedData's installation folder (speeddata.root). A site that points
 * pivotd at it need not repeat where the relay writes its cache: unless
 * pivotd's own storage.avro_path (or data_dir, or --data-dir) is set, the
 * cache is the storage.avro_path of SpeedData's config/global.yaml, a path
 * relative to the root. The Avro source reads the rest of SpeedData's
 * configuration (relay.yaml, the registry, the schemas) itself.
 */
int pv_config_speeddata_resolve(pv_config *cfg, char *err, size_t errlen)
{
    const char *root = pv_config_get(cfg, "speeddata.root");
    pv_config global;
    char path[4096];
    char msg[1024] = "";
    const char *avro_path;
    int rc = -1;

    if (root == NULL || root[0] == '\0' || cfg->data_dir_set)
        return 0;
    if (pv_config_defaults(&global) != 0) {
        snprintf(err, errlen, "speeddata.root: out of memory");
        return -1;
    }
    snprintf(path, sizeof(path), "%s/config/global.yaml", root);
    if (pv_config_load_file(&global, path, msg, sizeof(msg)) != 0) {
        snprintf(err, errlen,
                 "speeddata.root: cannot read SpeedData's config/global.yaml (%s); set "
                 "storage.avro_path to the relay's cache instead",
                 msg);
        goto out;
    }
    /* pv_config_defaults gives "./data" too; only the file's own value counts. */
    avro_path = global.data_dir_set ? global.data_dir : "./data";
    if (avro_path[0] == '/')
        snprintf(path, sizeof(path), "%s", avro_path);
    else
        snprintf(path, sizeof(path), "%s/%s", root, avro_path);
    if (pv_config_set(cfg, "storage.avro_path", path, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    pv_config_free(&global);
    return rc;
}
