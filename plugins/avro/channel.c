/* Resolution of a channel's folder and schema versions from the site's configuration. */
#include "channel.h"
#include "channel_dir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Reads and parses one schema file into *out. */
static int load_version(const char *path, pva_schema *out, char *err, size_t errlen)
{
    const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    char msg[PIVOT_ERRMSG_SIZE];
    char *text = NULL;
    size_t len = 0;
    FILE *fp = fopen(path, "rb");
    int rc;

    if (fp == NULL) {
        pva_errf(err, errlen, "the schema %s cannot be read: %s", base, strerror(errno));
        return PIVOT_EINVAL;
    }
    FILE *mem = open_memstream(&text, &len);
    if (mem == NULL) {
        fclose(fp);
        return PIVOT_ENOMEM;
    }
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), fp)) > 0 && len < (1 << 24))
        fwrite(buf, 1, n, mem);
    fclose(fp);
    if (fclose(mem) != 0 || text == NULL) {
        free(text);
        return PIVOT_ENOMEM;
    }
    rc = pva_schema_parse(text, out, msg, sizeof(msg));
    if (rc == PIVOT_EIO) {
        pva_errf(err, errlen, "the schema %s is not usable: %s", base, msg);
        return PIVOT_EINVAL;
    }
    if (rc == 0 && out->time_index < 0) {
        pva_schema_clear(out);
        pva_errf(err, errlen, "the schema %s has no long field named time", base);
        return PIVOT_EINVAL;
    }
    return rc;
}

static int load_versions(pva_channel *ch, char *const *paths, size_t n, char *err, size_t errlen)
{
    ch->versions = calloc(n, sizeof(*ch->versions));
    ch->version_names = calloc(n, sizeof(*ch->version_names));
    if (ch->versions == NULL || ch->version_names == NULL)
        return PIVOT_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *base = strrchr(paths[i], '/') != NULL ? strrchr(paths[i], '/') + 1 : paths[i];
        int rc = load_version(paths[i], &ch->versions[i], err, errlen);
        if (rc != 0)
            return rc;
        ch->nversions = i + 1;
        ch->version_names[i] = strdup(base);
        if (ch->version_names[i] == NULL)
            return PIVOT_ENOMEM;
    }
    return 0;
}

/* The folder of a channel of the default layout, confined to the data directory. */
static int default_dir(const pva_instance *inst, const char *name, char **dir)
{
    char *joined = NULL, *real;
    struct stat st;

    *dir = NULL;
    if (asprintf(&joined, "%s/%s", inst->data_dir, name) < 0)
        return PIVOT_ENOMEM;
    real = realpath(joined, NULL);
    free(joined);
    if (real == NULL)
        return errno == ENOMEM ? PIVOT_ENOMEM : 0;
    if (!pva_path_inside(inst, real) || stat(real, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(real);
        return 0;
    }
    *dir = real;
    return 0;
}

int pva_channel_open(pva_instance *inst, const char *name, pva_channel *ch, char *err,
                     size_t errlen)
{
    const pva_channel_conf *conf;
    char fallback[PATH_MAX];
    char *one[1];
    int rc;

    memset(ch, 0, sizeof(*ch));
    ch->name = name;
    if (!pva_channel_name_valid(name)) {
        pva_errf(err, errlen, "invalid channel name \"%s\"", name ? name : "(null)");
        return PIVOT_EINVAL;
    }
    rc = pva_site_refresh(&inst->site, err, errlen);
    if (rc != 0)
        return rc;
    conf = pva_site_channel(&inst->site, name);
    ch->default_ns_per_unit = inst->site.ns_per_unit;
    ch->configured = conf != NULL;
    if (conf != NULL && conf->dir != NULL) {
        /* A folder the operator named: trusted, wherever it is. */
        ch->dir = realpath(conf->dir, NULL);
    } else {
        rc = default_dir(inst, name, &ch->dir);
        if (rc != 0)
            goto out;
    }
    if (ch->dir == NULL && !ch->configured) {
        pva_errf(err, errlen, "no channel \"%s\"", name);
        rc = PIVOT_ENOENT;
        goto out;
    }
    if (conf != NULL) {
        ch->ns_per_unit = conf->ns_per_unit;
        ch->origin = conf->origin;
    }
    if (conf != NULL && conf->nschemas > 0) {
        rc = load_versions(ch, conf->schemas, conf->nschemas, err, errlen);
    } else if (pva_site_folder_schema(&inst->site, name, fallback, sizeof(fallback))) {
        one[0] = fallback;
        ch->origin = PVA_ORIGIN_SCHEMA_FOLDER;
        rc = load_versions(ch, one, 1, err, errlen);
    } else {
        ch->origin = PVA_ORIGIN_NONE;
        pva_site_describe_search(&inst->site, name, ch->search, sizeof(ch->search));
    }
out:
    if (rc == PIVOT_ENOMEM)
        pva_errf(err, errlen, "out of memory");
    if (rc != 0)
        pva_channel_close(ch);
    return rc;
}

void pva_channel_close(pva_channel *ch)
{
    for (size_t i = 0; i < ch->nversions; i++) {
        pva_schema_clear(&ch->versions[i]);
        free(ch->version_names[i]);
    }
    free(ch->versions);
    free(ch->version_names);
    free(ch->dir);
    memset(ch, 0, sizeof(*ch));
}
