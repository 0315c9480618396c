/*
 * A file-backed auth backend, as a template for site integrations (LDAP,
 * SSO gateways...). It reads users and their keys from a file named by
 *
 *     auth:
 *       backends: [file_auth, apikey]   # tried in this order
 *     plugins:
 *       file_auth:
 *         path: /etc/pivot/users.txt
 *
 * one user per line, fields separated by blanks, '#' starts a comment:
 *
 *     # user   role    key
 *     alice    admin   3f9c0e...
 *
 * A request sending one of these keys in X-API-Key is that user's. A key the
 * file does not hold is not this backend's business (PIVOT_ENOENT), so the
 * next backend gets to judge it. The file is read once, when the server
 * starts, and must not be readable by other users.
 *
 * Keys are kept as written, which keeps the template short; a production
 * backend would store hashes (the bundled "apikey" backend keeps SHA-256).
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strdup, fileno */
#endif
#include <pivot/plugin.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

PIVOT_PLUGIN_MAGIC("file_auth", "1.0.0");

#define PLUGIN_NAME "file_auth"
#define MAX_USERS 4096

typedef struct user_entry {
    char user[128];
    char role[16];
    char *key;
    size_t keylen;
} user_entry;

/* The users of the file; read-only once open returns, so threads share it freely. */
typedef struct user_table {
    user_entry *users;
    size_t n;
} user_table;

static const pivot_host *host;

static void table_free(user_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->users[i].key);
    free(t->users);
    free(t);
}

/* Parses "user role key" into e; returns 0 or a message in err. */
static int parse_line(char *line, const char *path, int lineno, user_entry *e, char *err,
                      size_t errlen)
{
    char *save = NULL, *user, *role, *key, *extra;

    user = strtok_r(line, " \t\r\n", &save);
    role = strtok_r(NULL, " \t\r\n", &save);
    key = strtok_r(NULL, " \t\r\n", &save);
    extra = strtok_r(NULL, " \t\r\n", &save);
    if (user == NULL || role == NULL || key == NULL || extra != NULL) {
        snprintf(err, errlen, "%s:%d: expected \"user role key\"", path, lineno);
        return PIVOT_EINVAL;
    }
    if (strcmp(role, "user") != 0 && strcmp(role, "admin") != 0) {
        snprintf(err, errlen, "%s:%d: role must be user or admin, not \"%.16s\"", path, lineno,
                 role);
        return PIVOT_EINVAL;
    }
    if (strlen(user) >= sizeof(e->user) || strlen(key) < 16) {
        snprintf(err, errlen, "%s:%d: user name too long or key shorter than 16 characters", path,
                 lineno);
        return PIVOT_EINVAL;
    }
    snprintf(e->user, sizeof(e->user), "%s", user);
    snprintf(e->role, sizeof(e->role), "%s", role);
    e->keylen = strlen(key);
    e->key = strdup(key);
    return e->key != NULL ? 0 : PIVOT_ENOMEM;
}

static int file_open(void **ctx, char *err, size_t errlen)
{
    const char *path = host->config_get("plugins." PLUGIN_NAME ".path");
    user_table *t = NULL;
    FILE *f = NULL;
    struct stat st;
    char line[1024];
    int rc = 0, lineno = 0;

    if (path == NULL) {
        snprintf(err, errlen, "set plugins.%s.path to the users file", PLUGIN_NAME);
        return PIVOT_EINVAL;
    }
    f = fopen(path, "r");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return PIVOT_EIO;
    }
    if (fstat(fileno(f), &st) != 0 || (st.st_mode & (S_IROTH | S_IWOTH)) != 0) {
        snprintf(err, errlen, "%s: other users may read it; chmod o-rw it", path);
        rc = PIVOT_EACCES;
        goto out;
    }
    t = calloc(1, sizeof(*t));
    if (t == NULL || (t->users = calloc(MAX_USERS, sizeof(*t->users))) == NULL) {
        rc = PIVOT_ENOMEM;
        goto out;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        lineno++;
        char *hash = strchr(line, '#'), *p = line;
        if (hash != NULL)
            *hash = '\0';
        p += strspn(p, " \t\r\n");
        if (*p == '\0')
            continue;
        if (t->n == MAX_USERS) {
            snprintf(err, errlen, "%s: more than %d users", path, MAX_USERS);
            rc = PIVOT_ERANGE;
            goto out;
        }
        if ((rc = parse_line(p, path, lineno, &t->users[t->n], err, errlen)) != 0)
            goto out;
        t->n++;
    }
    host->log(PIVOT_LOG_INFO, PLUGIN_NAME, "%zu user(s) from %s", t->n, path);
    *ctx = t;
    t = NULL;
out:
    if (rc == PIVOT_ENOMEM)
        snprintf(err, errlen, "out of memory reading %s", path);
    table_free(t);
    fclose(f);
    return rc;
}

static void file_close(void *ctx)
{
    table_free(ctx);
}

/* Compares without stopping at the first difference, so timing tells nothing of the key. */
static int same_secret(const char *a, size_t alen, const char *b, size_t blen)
{
    unsigned char diff = alen != blen;
    for (size_t i = 0; i < alen && i < blen; i++)
        diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static int file_authenticate(void *ctx, const pivot_auth_request *req, pivot_principal *who,
                             char *err, size_t errlen)
{
    const user_table *t = ctx;
    size_t len = 0;
    const char *key = req->header(req, "x-api-key", &len);

    (void)err;
    (void)errlen;
    if (key == NULL)
        return PIVOT_ENOENT;
    for (size_t i = 0; i < t->n; i++) {
        if (same_secret(key, len, t->users[i].key, t->users[i].keylen)) {
            snprintf(who->user, sizeof(who->user), "%s", t->users[i].user);
            snprintf(who->role, sizeof(who->role), "%s", t->users[i].role);
            return 0;
        }
    }
    return PIVOT_ENOENT;
}

/* Designated initializers: members appended to the struct later stay NULL. */
static const pivot_auth_backend file_backend = {
    .size = sizeof(pivot_auth_backend),
    .name = "file_auth",
    .open = file_open,
    .close = file_close,
    .authenticate = file_authenticate,
};

int pivot_plugin_init(const pivot_host *h, pivot_registry *reg, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    host = h;
    return host->register_auth(reg, &file_backend);
}
