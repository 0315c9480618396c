#include "registry.h"

#include <stdio.h>
#include <string.h>

static int add(pv_provider *list, int *n, const void *provider, int plugin)
{
    if (*n >= PV_MAX_PROVIDERS)
        return PIVOT_ENOMEM;
    list[*n].provider = provider;
    list[*n].plugin = plugin;
    (*n)++;
    return 0;
}

int pv_registry_add_timespec(pivot_registry *reg, const pivot_timespec_parser *p)
{
    if (p == NULL || p->size < sizeof(*p) || p->type == NULL || p->resolve == NULL)
        return PIVOT_EINVAL;
    if (pv_registry_timespec(reg, p->type) != NULL)
        return PIVOT_EEXIST;
    return add(reg->timespecs, &reg->ntimespecs, p, reg->loading);
}

int pv_registry_add_source(pivot_registry *reg, const pivot_source *s)
{
    if (s == NULL || s->size < sizeof(*s) || s->name == NULL || s->open == NULL ||
        s->scan == NULL || s->describe == NULL || s->list_channels == NULL)
        return PIVOT_EINVAL;
    if (pv_registry_source(reg, s->name) != NULL)
        return PIVOT_EEXIST;
    return add(reg->sources, &reg->nsources, s, reg->loading);
}

int pv_registry_add_exporter(pivot_registry *reg, const pivot_exporter *e)
{
    if (e == NULL || e->size < sizeof(*e) || e->name == NULL || e->open == NULL ||
        e->append == NULL || e->close == NULL || e->extension == NULL)
        return PIVOT_EINVAL;
    if (pv_registry_exporter(reg, e->name) != NULL)
        return PIVOT_EEXIST;
    return add(reg->exporters, &reg->nexporters, e, reg->loading);
}

int pv_registry_add_auth(pivot_registry *reg, const pivot_auth_backend *a)
{
    if (a == NULL || a->size < sizeof(*a) || a->name == NULL || a->authenticate == NULL)
        return PIVOT_EINVAL;
    if (pv_registry_auth(reg, a->name) != NULL)
        return PIVOT_EEXIST;
    return add(reg->auths, &reg->nauths, a, reg->loading);
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
