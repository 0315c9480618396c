#include "registry.h"

#include "abi_check.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A required member and its name, for a refusal that names the missing one. */
typedef struct required {
    const char *name;
    int present;
} required;

#define REQUIRED(p, member)                                                                        \
    {                                                                                              \
#member, (p)->member != NULL                                                               \
    }

static int refuse(pivot_registry *reg, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int refuse(pivot_registry *reg, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reg->refusal, sizeof(reg->refusal), fmt, ap);
    va_end(ap);
    return rc;
}

/* Checks what every provider shares: a size covering the major's first version, and a name. */
static int check_struct(pivot_registry *reg, const char *kind, const char *type,
                        const void *provider, size_t size, size_t min_size, const char *name)
{
    if (provider == NULL)
        return refuse(reg, PIVOT_EINVAL, "register_%s: NULL provider", kind);
    if (size < min_size)
        return refuse(reg, PIVOT_EINVAL,
                      "register_%s: struct size %zu is smaller than ABI %d's %zu; set its size "
                      "member to sizeof(%s)",
                      kind, size, PIVOT_ABI_MAJOR, min_size, type);
    if (name == NULL || name[0] == '\0')
        return refuse(reg, PIVOT_EINVAL, "register_%s: the provider has no name", kind);
    return 0;
}

/* Refuses a provider lacking a required member, naming the first one missing. */
static int check_required(pivot_registry *reg, const char *kind, const char *name,
                          const required *members, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!members[i].present)
            return refuse(reg, PIVOT_EINVAL,
                          "register_%s: \"%s\" has no %s, which is required (see the guide's "
                          "table of callbacks)",
                          kind, name, members[i].name);
    return 0;
}

#define CHECK_REQUIRED(reg, kind, name, list)                                                      \
    check_required((reg), (kind), (name), (list), sizeof(list) / sizeof((list)[0]))

static int add(pivot_registry *reg, pv_provider *list, int *n, const char *kind, const char *name,
               const void *provider, const void *existing)
{
    if (existing != NULL) {
        int owner = -1;
        for (int i = 0; i < *n; i++)
            if (list[i].provider == existing)
                owner = list[i].plugin;
        if (owner >= 0 && owner < reg->nplugins && reg->plugins[owner].magic != NULL)
            return refuse(reg, PIVOT_EEXIST,
                          "register_%s: \"%s\" is already registered by plugin \"%s\"", kind, name,
                          reg->plugins[owner].magic->name);
        return refuse(reg, PIVOT_EEXIST, "register_%s: \"%s\" is already registered", kind, name);
    }
    if (*n >= PV_MAX_PROVIDERS)
        return refuse(reg, PIVOT_ENOMEM, "register_%s: more than %d providers of this kind", kind,
                      PV_MAX_PROVIDERS);
    list[*n].provider = provider;
    list[*n].plugin = reg->loading;
    (*n)++;
    return 0;
}

int pv_registry_add_timespec(pivot_registry *reg, const pivot_timespec_parser *p)
{
    int rc = check_struct(reg, "timespec", "pivot_timespec_parser", p, p ? p->size : 0,
                          PV_SIZE_FIRST(pivot_timespec_parser, resolve), p ? p->type : NULL);
    if (rc != 0)
        return rc;
    const required members[] = {REQUIRED(p, resolve)};
    rc = CHECK_REQUIRED(reg, "timespec", p->type, members);
    if (rc != 0)
        return rc;
    /* One place resolves every preset name, so that each plugin can add
     * names instead of competing for the type. */
    if (strcmp(p->type, PV_PRESET_TYPE) == 0)
        return refuse(reg, PIVOT_EINVAL,
                      "register_timespec: the type \"" PV_PRESET_TYPE "\" is resolved by the "
                      "host from the registered presets; register each name with "
                      "register_preset instead");
    return add(reg, reg->timespecs, &reg->ntimespecs, "timespec", p->type, p,
               pv_registry_timespec(reg, p->type));
}

int pv_registry_add_source(pivot_registry *reg, const pivot_source *s)
{
    int rc = check_struct(reg, "source", "pivot_source", s, s ? s->size : 0,
                          PV_SIZE_FIRST(pivot_source, span), s ? s->name : NULL);
    if (rc != 0)
        return rc;
    const required members[] = {REQUIRED(s, open),          REQUIRED(s, close),
                                REQUIRED(s, list_channels), REQUIRED(s, describe),
                                REQUIRED(s, free_info),     REQUIRED(s, scan)};
    rc = CHECK_REQUIRED(reg, "source", s->name, members);
    if (rc != 0)
        return rc;
    return add(reg, reg->sources, &reg->nsources, "source", s->name, s,
               pv_registry_source(reg, s->name));
}

/* An exporter's other kinds of file: each whole, and a chooser only with a list to choose from. */
static int check_file_types(pivot_registry *reg, const pivot_exporter *e)
{
    const pivot_file_type *const *types =
        PIVOT_HAS_MEMBER(e, pivot_exporter, other_types) ? e->other_types : NULL;

    if (PIVOT_HAS_MEMBER(e, pivot_exporter, file_type) && e->file_type != NULL && types == NULL)
        return refuse(reg, PIVOT_EINVAL,
                      "register_exporter: \"%s\" has file_type but no other_types to choose from",
                      e->name);
    for (size_t k = 0; types != NULL && types[k] != NULL; k++)
        if (types[k]->size < sizeof(pivot_file_type) || types[k]->extension == NULL ||
            types[k]->extension[0] != '.' || types[k]->media_type == NULL)
            return refuse(reg, PIVOT_EINVAL,
                          "register_exporter: \"%s\": other_types[%zu] needs its size, an "
                          "extension starting with a dot and a media_type",
                          e->name, k);
    return 0;
}

int pv_registry_add_exporter(pivot_registry *reg, const pivot_exporter *e)
{
    int rc = check_struct(reg, "exporter", "pivot_exporter", e, e ? e->size : 0,
                          PV_SIZE_FIRST(pivot_exporter, close), e ? e->name : NULL);
    if (rc != 0)
        return rc;
    const required members[] = {REQUIRED(e, extension), REQUIRED(e, media_type),
                                REQUIRED(e, open),      REQUIRED(e, begin_channel),
                                REQUIRED(e, append),    REQUIRED(e, end_channel),
                                REQUIRED(e, close)};
    rc = CHECK_REQUIRED(reg, "exporter", e->name, members);
    if (rc != 0)
        return rc;
    rc = check_file_types(reg, e);
    if (rc != 0)
        return rc;
    return add(reg, reg->exporters, &reg->nexporters, "exporter", e->name, e,
               pv_registry_exporter(reg, e->name));
}

int pv_registry_add_auth(pivot_registry *reg, const pivot_auth_backend *a)
{
    int rc = check_struct(reg, "auth", "pivot_auth_backend", a, a ? a->size : 0,
                          PV_SIZE_FIRST(pivot_auth_backend, revoke_key), a ? a->name : NULL);
    if (rc != 0)
        return rc;
    const required members[] = {REQUIRED(a, authenticate)};
    rc = CHECK_REQUIRED(reg, "auth", a->name, members);
    if (rc != 0)
        return rc;
    return add(reg, reg->auths, &reg->nauths, "auth", a->name, a, pv_registry_auth(reg, a->name));
}

/* Preset names travel in JSON, URLs and command lines: keep them plain. */
static int preset_name_valid(const char *name)
{
    size_t n = strlen(name);
    if (n > 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

int pv_registry_add_preset(pivot_registry *reg, const pivot_preset *p)
{
    int rc = check_struct(reg, "preset", "pivot_preset", p, p ? p->size : 0,
                          PV_SIZE_FIRST(pivot_preset, data), p ? p->name : NULL);
    if (rc != 0)
        return rc;
    if (!preset_name_valid(p->name))
        return refuse(reg, PIVOT_EINVAL,
                      "register_preset: the name \"%.80s\" is not usable; use 1 to 64 letters, "
                      "digits, '_', '-' or '.'",
                      p->name);
    const required members[] = {REQUIRED(p, description), REQUIRED(p, resolve)};
    rc = CHECK_REQUIRED(reg, "preset", p->name, members);
    if (rc != 0)
        return rc;
    return add(reg, reg->presets, &reg->npresets, "preset", p->name, p,
               pv_registry_preset(reg, p->name));
}

static void drop(pv_provider *list, int *n, int plugin)
{
    int kept = 0;
    for (int i = 0; i < *n; i++) {
        if (list[i].plugin != plugin)
            list[kept++] = list[i];
    }
    *n = kept;
}

void pv_registry_drop_plugin(pv_registry *reg, int plugin)
{
    drop(reg->timespecs, &reg->ntimespecs, plugin);
    drop(reg->sources, &reg->nsources, plugin);
    drop(reg->exporters, &reg->nexporters, plugin);
    drop(reg->auths, &reg->nauths, plugin);
    drop(reg->presets, &reg->npresets, plugin);
}

const pivot_timespec_parser *pv_registry_timespec(const pv_registry *reg, const char *type)
{
    for (int i = 0; type != NULL && i < reg->ntimespecs; i++) {
        const pivot_timespec_parser *p = reg->timespecs[i].provider;
        if (strcmp(p->type, type) == 0)
            return p;
    }
    return NULL;
}

const pivot_source *pv_registry_source(const pv_registry *reg, const char *name)
{
    for (int i = 0; name != NULL && i < reg->nsources; i++) {
        const pivot_source *s = reg->sources[i].provider;
        if (strcmp(s->name, name) == 0)
            return s;
    }
    return NULL;
}

const pivot_exporter *pv_registry_exporter(const pv_registry *reg, const char *name)
{
    for (int i = 0; name != NULL && i < reg->nexporters; i++) {
        const pivot_exporter *e = reg->exporters[i].provider;
        if (strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

const pivot_auth_backend *pv_registry_auth(const pv_registry *reg, const char *name)
{
    for (int i = 0; name != NULL && i < reg->nauths; i++) {
        const pivot_auth_backend *a = reg->auths[i].provider;
        if (strcmp(a->name, name) == 0)
            return a;
    }
    return NULL;
}

const pivot_preset *pv_registry_preset(const pv_registry *reg, const char *name)
{
    for (int i = 0; name != NULL && i < reg->npresets; i++) {
        const pivot_preset *p = reg->presets[i].provider;
        if (strcmp(p->name, name) == 0)
            return p;
    }
    return NULL;
}

static const char *timespec_type(const void *p)
{
    return ((const pivot_timespec_parser *)p)->type;
}

static const char *exporter_name(const void *p)
{
    return ((const pivot_exporter *)p)->name;
}

static const char *preset_name(const void *p)
{
    return ((const pivot_preset *)p)->name;
}

static void join_names(const pv_provider *list, int n, const char *(*name_of)(const void *),
                       char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < len; i++) {
        const char *name = name_of(list[i].provider);
        int w = snprintf(buf + used, len - used, "%s\"%s\"", i ? ", " : "", name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

void pv_registry_timespec_names(const pv_registry *reg, char *buf, size_t len)
{
    size_t used;

    join_names(reg->timespecs, reg->ntimespecs, timespec_type, buf, len);
    /* The type the host resolves itself, when there is a preset to name. */
    used = strlen(buf);
    if (reg->npresets > 0 && used < len)
        snprintf(buf + used, len - used, "%s\"" PV_PRESET_TYPE "\"", used ? ", " : "");
}

void pv_registry_exporter_names(const pv_registry *reg, char *buf, size_t len)
{
    join_names(reg->exporters, reg->nexporters, exporter_name, buf, len);
}

void pv_registry_preset_names(const pv_registry *reg, char *buf, size_t len)
{
    join_names(reg->presets, reg->npresets, preset_name, buf, len);
}

int pv_registry_preset_resolve(const pivot_preset *p, int64_t now_ns, pivot_range *out, char *err,
                               size_t errlen)
{
    pivot_range r = {0, 0};
    int rc;

    err[0] = '\0';
    rc = p->resolve(p, now_ns, &r, err, errlen);
    if (rc != 0) {
        if (err[0] == '\0')
            snprintf(err, errlen, "cannot be resolved now (error %d)", rc);
        return PIVOT_EINVAL;
    }
    /* What a plugin hands back is checked like a request: nothing before
     * the epoch, nothing empty. */
    if (r.start_ns < 0 || r.end_ns <= r.start_ns) {
        snprintf(err, errlen,
                 "its plugin resolved it to an empty range or one before "
                 "1970-01-01T00:00:00Z (start_ns %lld, end_ns %lld)",
                 (long long)r.start_ns, (long long)r.end_ns);
        return PIVOT_EINVAL;
    }
    *out = r;
    return 0;
}
