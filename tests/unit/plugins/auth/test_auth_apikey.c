/*
 * Tests of the auth plugin's "apikey" backend, loaded from the built
 * auth.so as pivotd loads it, against a temporary WAL-mode SQLite store.
 * Each group runs in its own process: test_auth_apikey <group>.
 */
#include "check.h"

#include <pivot/plugin.h>
#include <pivot/test_host.h>

#include <dirent.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define KEY_LEN 60
#define REFUSED "the X-API-Key header does not hold a valid key"

static char store_dir[] = "/tmp/pivot-auth-test-XXXXXX";
static char store_path[4096];
static const pivot_auth_backend *backend;

/* A request carrying one X-API-Key header, or none when key is NULL. */
typedef struct test_request {
    pivot_auth_request base;
    const char *key;
} test_request;

static const char *test_header(const pivot_auth_request *req, const char *name, size_t *len)
{
    const test_request *r = (const test_request *)req;
    if (strcmp(name, "x-api-key") != 0 || r->key == NULL)
        return NULL;
    *len = strlen(r->key);
    return r->key;
}

/* Runs authenticate with header value key; who and err are outputs. */
static int auth(void *ctx, const char *key, pivot_principal *who, char *err)
{
    test_request r = {{sizeof(pivot_auth_request), test_header, "127.0.0.1", NULL}, key};
    memset(who, 0, sizeof(*who));
    err[0] = '\0';
    return backend->authenticate(ctx, &r.base, who, err, PIVOT_ERRMSG_SIZE);
}

static sqlite3 *store_db(void)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(store_path, &db) != SQLITE_OK) {
        fprintf(stderr, "cannot open %s\n", store_path);
        exit(1);
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

static void store_exec(const char *sql)
{
    sqlite3 *db = store_db();
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, msg);
        exit(1);
    }
    sqlite3_close(db);
}

/* Returns column 0 of the first row of sql as an integer, or -1 when NULL/absent. */
static long long store_int(const char *sql)
{
    sqlite3 *db = store_db();
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
        sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Loads the plugin; the backend's first open creates its store, auth.db. */
static void setup(void)
{
    const pivot_magic *magic = NULL;
    char err[PIVOT_ERRMSG_SIZE] = "";

    if (mkdtemp(store_dir) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
    snprintf(store_path, sizeof(store_path), "%s/auth.db", store_dir);
    pivot_test_host_set("state_dir", store_dir);
    CHECK_INT_EQ(pivot_test_host_load_file(AUTH_PLUGIN_PATH, &magic, err, sizeof(err)), 0);
    if (magic == NULL) {
        fprintf(stderr, "%s: %s\n", AUTH_PLUGIN_PATH, err);
        exit(1);
    }
    CHECK_STR_EQ(magic->name, "auth");
    CHECK_STR_EQ(magic->version, "0.1.0");
    CHECK_INT_EQ(magic->abi_major, PIVOT_ABI_MAJOR);
    /* "apikey", "trusted-header" and "anonymous". */
    CHECK_INT_EQ(pivot_test_host_registrations(), 3);
    backend = pivot_test_host_auth("apikey");
    if (backend == NULL)
        exit(1);
    CHECK_STR_EQ(backend->name, "apikey");
}

static void teardown(void)
{
    char path[4200];
    const char *suffixes[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof(path), "%s%s", store_path, suffixes[i]);
        unlink(path);
    }
    rmdir(store_dir);
}

static void *open_backend(void)
{
    void *ctx = NULL;
    char err[PIVOT_ERRMSG_SIZE] = "";
    int rc = backend->open(&ctx, err, sizeof(err));
    CHECK_STR_EQ(err, "");
    CHECK_INT_EQ(rc, 0);
    if (ctx == NULL)
        exit(1);
    return ctx;
}

static void create(void *ctx, const char *user, const char *role, char key[KEY_LEN + 1])
{
    char err[PIVOT_ERRMSG_SIZE] = "";
    CHECK_INT_EQ(
        backend->create_key(ctx, user, role, NULL, 0, key, KEY_LEN + 1, NULL, 0, err, sizeof(err)),
        0);
    CHECK_STR_EQ(err, "");
}

static int is_b64url(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
}

static void test_format(void)
{
    enum { N = 64 };
    static char keys[N][KEY_LEN + 1];
    char err[PIVOT_ERRMSG_SIZE], small[KEY_LEN], user64[65], user65[66];
    void *ctx = open_backend();
    int distinct = 1, shaped = 1;

    for (int i = 0; i < N; i++) {
        create(ctx, "alice", "user", keys[i]);
        if (strlen(keys[i]) != KEY_LEN || memcmp(keys[i], "pvk_", 4) != 0 || keys[i][16] != '_')
            shaped = 0;
        for (int j = 4; j < KEY_LEN; j++) {
            if (j != 16 && !is_b64url(keys[i][j]))
                shaped = 0;
        }
        for (int j = 0; j < i; j++) {
            if (memcmp(keys[i], keys[j], KEY_LEN) == 0 || memcmp(keys[i], keys[j], 16) == 0)
                distinct = 0;
        }
    }
    CHECK(shaped);
    CHECK(distinct);
    CHECK_INT_EQ(store_int("SELECT count(*) FROM api_keys WHERE user = 'alice' AND role = 'user' "
                           "AND length(id) = 12 AND length(key_hash) = 32 AND revoked_at IS NULL "
                           "AND expires_at IS NULL AND last_used_at IS NULL"),
                 N);
    CHECK_INT_EQ(store_int("SELECT count(DISTINCT key_hash) FROM api_keys"), N);
    CHECK(llabs(store_int("SELECT max(created_at) FROM api_keys") - (long long)time(NULL)) <= 2);

    /* A NULL role is "user"; the id in the key is the row's id. */
    create(ctx, "bob", NULL, keys[0]);
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM api_keys WHERE id = '%.12s' AND user = 'bob' "
             "AND role = 'user'",
             keys[0] + 4);
    CHECK_INT_EQ(store_int(sql), 1);

    memset(user64, 'u', 64);
    user64[64] = '\0';
    memset(user65, 'u', 65);
    user65[65] = '\0';
    create(ctx, user64, "admin", keys[1]);
    create(ctx, "a.b_c-d+e@example.org", "admin", keys[1]);
    const char *bad_users[] = {"", "a b", "al/ice", "ali\xc3\xa9", user65};
    for (size_t i = 0; i < sizeof(bad_users) / sizeof(bad_users[0]); i++) {
        strcpy(small, "untouched");
        CHECK_INT_EQ(backend->create_key(ctx, bad_users[i], "user", NULL, 0, small, sizeof(small),
                                         NULL, 0, err, sizeof(err)),
                     PIVOT_EINVAL);
        CHECK_STR_EQ(small, "");
    }
    CHECK_INT_EQ(backend->create_key(ctx, NULL, "user", NULL, 0, keys[1], sizeof(keys[1]), NULL, 0,
                                     err, sizeof(err)),
                 PIVOT_EINVAL);
    CHECK_INT_EQ(backend->create_key(ctx, "carol", "root", NULL, 0, keys[1], sizeof(keys[1]), NULL,
                                     0, err, sizeof(err)),
                 PIVOT_EINVAL);
    CHECK_STR_EQ(err, "role \"root\" is neither \"user\" nor \"admin\"");
    CHECK_INT_EQ(backend->create_key(ctx, "carol", "user", NULL, 0, small, sizeof(small), NULL, 0,
                                     err, sizeof(err)),
                 PIVOT_ERANGE);
    CHECK_STR_EQ(err, "a key needs a buffer of 61 bytes");
    CHECK_INT_EQ(store_int("SELECT count(*) FROM api_keys"), N + 3);
    backend->close(ctx);
}

static void test_authenticate(void)
{
    char admin[KEY_LEN + 1], user[KEY_LEN + 1], err[PIVOT_ERRMSG_SIZE], sql[200];
    pivot_principal who = {.size = sizeof(who)};
    void *ctx = open_backend();
    long long now;

    create(ctx, "root@example.org", "admin", admin);
    create(ctx, "alice", "user", user);

    CHECK_INT_EQ(auth(ctx, admin, &who, err), 0);
    CHECK_STR_EQ(who.user, "root@example.org");
    CHECK_STR_EQ(who.role, "admin");
    CHECK_STR_EQ(err, "");
    CHECK_INT_EQ(auth(ctx, user, &who, err), 0);
    CHECK_STR_EQ(who.user, "alice");
    CHECK_STR_EQ(who.role, "user");

    CHECK_INT_EQ(auth(ctx, NULL, &who, err), PIVOT_ENOENT);
    CHECK_STR_EQ(who.user, "");

    /* last_used_at is written on first use, then at most once a minute. */
    now = (long long)time(NULL);
    snprintf(sql, sizeof(sql), "SELECT last_used_at FROM api_keys WHERE id = '%.12s'", user + 4);
    CHECK(llabs(store_int(sql) - now) <= 2);
    char upd[200];
    snprintf(upd, sizeof(upd), "UPDATE api_keys SET last_used_at = %lld WHERE id = '%.12s'",
             now - 30, user + 4);
    store_exec(upd);
    CHECK_INT_EQ(auth(ctx, user, &who, err), 0);
    CHECK_INT_EQ(store_int(sql), now - 30);
    snprintf(upd, sizeof(upd), "UPDATE api_keys SET last_used_at = %lld WHERE id = '%.12s'",
             now - 61, user + 4);
    store_exec(upd);
    CHECK_INT_EQ(auth(ctx, user, &who, err), 0);
    CHECK(llabs(store_int(sql) - now) <= 2);
    backend->close(ctx);
}

static void expect_refused(void *ctx, const char *key, int line)
{
    char err[PIVOT_ERRMSG_SIZE];
    pivot_principal who = {.size = sizeof(who)};
    int rc = auth(ctx, key, &who, err);
    if (rc != PIVOT_EACCES || strcmp(err, REFUSED) != 0 || who.user[0] != '\0')
        fprintf(stderr, "line %d: key \"%s\" gave %d \"%s\"\n", line, key, rc, err);
    CHECK_INT_EQ(rc, PIVOT_EACCES);
    CHECK_STR_EQ(err, REFUSED);
    CHECK_STR_EQ(who.user, "");
}

static void test_refused(void)
{
    char key[KEY_LEN + 1], other[KEY_LEN + 1], bad[KEY_LEN + 2], upd[200], err[PIVOT_ERRMSG_SIZE];
    pivot_principal who = {.size = sizeof(who)};
    void *ctx = open_backend();
    long long now = (long long)time(NULL);

    create(ctx, "alice", "admin", key);
    create(ctx, "bob", "user", other);

    expect_refused(ctx, "", __LINE__);
    expect_refused(ctx, "secret", __LINE__);
    /* Another character in the last place of the secret. */
    strcpy(bad, key);
    bad[KEY_LEN - 1] = bad[KEY_LEN - 1] == 'A' ? 'B' : 'A';
    expect_refused(ctx, bad, __LINE__);
    /* A valid id with the secret of another key. */
    memcpy(bad, key, 17);
    memcpy(bad + 17, other + 17, KEY_LEN - 17 + 1);
    expect_refused(ctx, bad, __LINE__);
    /* Unknown id with a real secret. */
    memcpy(bad, other, 17);
    memcpy(bad + 17, key + 17, KEY_LEN - 17 + 1);
    bad[4] = bad[4] == 'A' ? 'B' : 'A';
    expect_refused(ctx, bad, __LINE__);
    strcpy(bad, key);
    memcpy(bad, "pvx_", 4);
    expect_refused(ctx, bad, __LINE__);
    expect_refused(ctx, key + 4, __LINE__);
    strcpy(bad, key);
    bad[KEY_LEN - 1] = '\0';
    expect_refused(ctx, bad, __LINE__);
    snprintf(bad, sizeof(bad), "%sA", key);
    expect_refused(ctx, bad, __LINE__);
    strcpy(bad, key);
    bad[30] = '!';
    expect_refused(ctx, bad, __LINE__);
    strcpy(bad, key);
    bad[16] = 'x';
    expect_refused(ctx, bad, __LINE__);

    /* The good keys still work after all this. */
    CHECK_INT_EQ(auth(ctx, key, &who, err), 0);
    CHECK_INT_EQ(auth(ctx, other, &who, err), 0);

    snprintf(upd, sizeof(upd), "UPDATE api_keys SET revoked_at = %lld WHERE id = '%.12s'", now,
             key + 4);
    store_exec(upd);
    expect_refused(ctx, key, __LINE__);
    CHECK_INT_EQ(auth(ctx, other, &who, err), 0);

    snprintf(upd, sizeof(upd), "UPDATE api_keys SET expires_at = %lld WHERE id = '%.12s'",
             now + 3600, other + 4);
    store_exec(upd);
    CHECK_INT_EQ(auth(ctx, other, &who, err), 0);
    snprintf(upd, sizeof(upd), "UPDATE api_keys SET expires_at = %lld WHERE id = '%.12s'", now,
             other + 4);
    store_exec(upd);
    expect_refused(ctx, other, __LINE__);
    backend->close(ctx);
}

/* Returns 1 when the file at path contains the n bytes at needle. */
static int file_contains(const char *path, const char *needle, size_t n)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    int found = 0;

    if (f == NULL)
        return 0;
    do {
        if (len + 65536 > cap) {
            cap = cap * 2 + 65536;
            buf = realloc(buf, cap);
            if (buf == NULL)
                exit(1);
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    found = memmem(buf, len, needle, n) != NULL;
    free(buf);
    return found;
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;
    if (f == NULL)
        return -1;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fclose(f);
    return n;
}

static void test_storage(void)
{
    char key[KEY_LEN + 1], wal[4200], sql[300];
    unsigned char digest[32];
    unsigned int dlen = 0;
    char hex[65];
    void *ctx = open_backend();

    snprintf(wal, sizeof(wal), "%s-wal", store_path);
    create(ctx, "alice", "user", key);
    /* The id is public and stored; the key and its secret never are. */
    CHECK(file_size(store_path) > 0);
    CHECK(file_size(wal) > 0);
    CHECK_INT_EQ(file_contains(wal, key + 4, 12), 1);
    CHECK_INT_EQ(file_contains(store_path, key + 17, 43) || file_contains(wal, key + 17, 43), 0);
    CHECK_INT_EQ(file_contains(store_path, key, 17) || file_contains(wal, key, 17), 0);

    /* What is stored is exactly the SHA-256 of the whole key. */
    CHECK_INT_EQ(EVP_Digest(key, KEY_LEN, digest, &dlen, EVP_sha256(), NULL), 1);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02X", digest[i]);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM api_keys WHERE id = '%.12s' AND "
             "hex(key_hash) = '%s'",
             key + 4, hex);
    CHECK_INT_EQ(store_int(sql), 1);

    backend->close(ctx);
    store_exec("PRAGMA wal_checkpoint(TRUNCATE)");
    CHECK_INT_EQ(file_contains(store_path, key + 4, 12), 1);
    CHECK_INT_EQ(file_contains(store_path, key + 17, 43), 0);
}

typedef struct worker {
    void *ctx;
    const char *key;
    const char *user;
    int rounds;
    int ok;
} worker;

static void *worker_run(void *arg)
{
    worker *w = arg;
    char err[PIVOT_ERRMSG_SIZE];
    pivot_principal who = {.size = sizeof(who)};
    for (int i = 0; i < w->rounds; i++) {
        if (auth(w->ctx, w->key, &who, err) == 0 && strcmp(who.user, w->user) == 0)
            w->ok++;
    }
    return NULL;
}

static double seconds_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_threads(void)
{
    enum { ROUNDS = 10000 };
    char k1[KEY_LEN + 1], k2[KEY_LEN + 1];
    void *ctx = open_backend();
    worker w[2] = {{ctx, k1, "alice", ROUNDS, 0}, {ctx, k2, "bob", ROUNDS, 0}};
    pthread_t t[2];
    double start, elapsed;

    create(ctx, "alice", "user", k1);
    create(ctx, "bob", "admin", k2);
    start = seconds_now();
    for (int i = 0; i < 2; i++)
        CHECK_INT_EQ(pthread_create(&t[i], NULL, worker_run, &w[i]), 0);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    elapsed = seconds_now() - start;
    CHECK_INT_EQ(w[0].ok, ROUNDS);
    CHECK_INT_EQ(w[1].ok, ROUNDS);
    printf("%d authentications in %.3f s over 2 threads: %.0f/s\n", 2 * ROUNDS, elapsed,
           2 * ROUNDS / elapsed);
    backend->close(ctx);
}

static void test_instances(void)
{
    char key[KEY_LEN + 1], err[PIVOT_ERRMSG_SIZE];
    pivot_principal who = {.size = sizeof(who)};
    void *a = open_backend(), *b = open_backend(), *c = NULL;

    /* One thread alternating between two open instances. */
    create(a, "alice", "user", key);
    for (int i = 0; i < 3; i++) {
        CHECK_INT_EQ(auth(a, key, &who, err), 0);
        CHECK_INT_EQ(auth(b, key, &who, err), 0);
    }
    backend->close(b);
    CHECK_INT_EQ(auth(a, key, &who, err), 0);
    CHECK_STR_EQ(who.user, "alice");
    b = open_backend();
    CHECK_INT_EQ(auth(b, key, &who, err), 0);
    backend->close(b);
    backend->close(a);
    backend->close(NULL);

    pivot_test_host_set("state_dir", NULL);
    CHECK_INT_EQ(backend->open(&c, err, sizeof(err)), PIVOT_EINVAL);
    CHECK_STR_EQ(err, "the state folder (state_dir) is not configured");
    CHECK(c == NULL);
    pivot_test_host_set("state_dir", "/nonexistent/pivot");
    CHECK_INT_EQ(backend->open(&c, err, sizeof(err)), PIVOT_EIO);
    CHECK(strncmp(err, "cannot open the key store /nonexistent/pivot/auth.db: ", 54) == 0);
    CHECK(c == NULL);
    pivot_test_host_set("state_dir", store_dir);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } groups[] = {
        {"format", test_format},   {"authenticate", test_authenticate},
        {"refused", test_refused}, {"storage", test_storage},
        {"threads", test_threads}, {"instances", test_instances},
    };
    int ran = 0;

    setup();
    for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
        if (argc < 2 || strcmp(argv[1], groups[i].name) == 0) {
            groups[i].run();
            ran++;
        }
    }
    if (ran == 0) {
        fprintf(stderr, "unknown test group \"%s\"\n", argv[1]);
        check_failed++;
    }
    teardown();
    return check_report();
}
