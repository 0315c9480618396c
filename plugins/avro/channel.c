/* Resolution of a channel's folder and schema versions from the site's configuration. */
#include "channel.h"
#include "channel_dir.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Schema files are a few KiB; anything larger is not one. */
#define MAX_SCHEMA_BYTES (1 << 20)

/*
 * Reads and parses one schema file into *out. Named by the configuration,
 * it is still opened without blocking and only read when it is a regular
 * file of a sensible size (a FIFO put there must not stop a server thread).
 */
static int load_version(const char *path, pva_schema *out, char *err, size_t errlen)
{
    const char *base = strrchr(path, '/') != NULL ? strrchr(path, '/') + 1 : path;
    char msg[PIVOT_ERRMSG_SIZE];
    char *text = NULL;
    struct stat st;
    size_t got = 0;
    int fd, rc = PIVOT_EINVAL;

    fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_SCHEMA_BYTES) {
        pva_errf(err, errlen, "the schema %s cannot be read: %s", base,
                 fd < 0 ? strerror(errno) : "not a regular file of at most 1 MiB");
        goto out;
    }
    text = malloc((size_t)st.st_size + 1);
    if (text == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    while (got < (size_t)st.st_size) {
        ssize_t n = read(fd, text + got, (size_t)st.st_size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    text[got] = '\0';
    rc = pva_schema_parse(text, out, msg, sizeof(msg));
    text = NULL; /* the schema owns it now, or freed it */
    if (rc == PIVOT_EIO) {
        /* The parser's message quotes the file: the log keeps it. */
        pva_log(PIVOT_LOG_WARNING, "schema %s: %s", path, msg);
        pva_errf(err, errlen, "the schema %s is not valid JSON", base);
        rc = PIVOT_EINVAL;
    } else if (rc == 0 && out->time_index < 0) {
        pva_schema_clear(out);
        pva_errf(err, errlen, "the schema %s has no long field named time", base);
        rc = PIVOT_EINVAL;
    }
out:
    free(text);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* FNV-1a over the bytes of `data`, continuing from h. */
static uint64_t fnv(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;

    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

/* What the bounds of the channel's files depend on. */
static uint64_t fingerprint(const pva_channel *ch)
{
    uint64_t h = 1469598103934665603ULL;

    h = fnv(h, &ch->ns_per_unit, sizeof(ch->ns_per_unit));
    h = fnv(h, &ch->default_ns_per_unit, sizeof(ch->default_ns_per_unit));
    h = fnv(h, &ch->nversions, sizeof(ch->nversions));
    for (size_t i = 0; i < ch->nversions; i++)
        h = fnv(h, ch->versions[i].text, strlen(ch->versions[i].text) + 1);
    return h;
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
        rc = pva_data_dir_channel(inst, name, &ch->dir);
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
    ch->fingerprint = fingerprint(ch);
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
