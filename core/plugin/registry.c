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

static void join_names(const pv_provider *list, int n, int is_timespec, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && used < len; i++) {
        const char *name = is_timespec ? ((const pivot_timespec_parser *)list[i].provider)->type
                                       : ((const pivot_exporter *)list[i].provider)->name;
        int w = snprintf(buf + used, len - used, "%s\"%s\"", i ? ", " : "", name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

void pv_registry_timespec_names(const pv_registry *reg, char *buf, size_t len)
{
    join_names(reg->timespecs, reg->ntimespecs, 1, buf, len);
}

void pv_registry_exporter_names(const pv_registry *reg, char *buf, size_t len)
{
    join_names(reg->exporters, reg->nexporters, 0, buf, len);
}
