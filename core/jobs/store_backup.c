#include "store_backup.h"

#include <pivot/common.h>

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Matches the server's lock wait: a backup step waits for a checkpoint, not longer. */
#define BUSY_WAIT_MS 5000
/* Steps a busy store gets before the backup fails: 30 s. */
#define BUSY_TRIES 6

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

static int check_integrity(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    int rc = PIVOT_EIO;

    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "integrity_check: %s", sqlite3_errmsg(db));
        goto out;
    }
    /* One row "ok", or rows naming each problem; the first is enough to refuse. */
    if (sqlite3_step(st) != SQLITE_ROW) {
        snprintf(err, errlen, "integrity_check: %s", sqlite3_errmsg(db));
        goto out;
    }
    if (strcmp((const char *)sqlite3_column_text(st, 0), "ok") != 0) {
        snprintf(err, errlen, "the copy fails integrity_check: %s", sqlite3_column_text(st, 0));
        goto out;
    }
    rc = 0;
out:
    sqlite3_finalize(st);
    return rc;
}

int pv_store_backup(const char *src, const char *dest, int64_t *pages, char *err, size_t errlen)
{
    sqlite3 *from = NULL, *to = NULL;
    sqlite3_backup *b = NULL;
    char part[4200];
    int rc = PIVOT_EIO, step;

    *pages = 0;
    err[0] = '\0';
    if (snprintf(part, sizeof(part), "%s.part", dest) >= (int)sizeof(part)) {
        snprintf(err, errlen, "%s: path too long", dest);
        return PIVOT_ERANGE;
    }
    if (access(dest, F_OK) == 0) {
        snprintf(err, errlen, "%s exists already; give a new destination", dest);
        return PIVOT_EEXIST;
    }
    unlink(part);
    /* Read-only: a backup never migrates or otherwise writes the live store. */
    if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", src,
                 from ? sqlite3_errmsg(from) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(from, BUSY_WAIT_MS);
    if (sqlite3_open_v2(part, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot create %s: %s", part,
                 to ? sqlite3_errmsg(to) : "out of memory");
        goto out;
    }
    b = sqlite3_backup_init(to, "main", from, "main");
    if (b == NULL) {
        snprintf(err, errlen, "cannot start the backup of %s: %s", src, sqlite3_errmsg(to));
        goto out;
    }
    /* All pages in one step: one read transaction, so one consistent
     * snapshot. Stepping in parts would restart whenever the server writes.
     * Each step waits up to BUSY_WAIT_MS for the store itself; in WAL mode
     * a reader waits only for a recovery or a checkpoint's moment, so a
     * store still busy after a few such waits is stuck, and the backup
     * says so rather than waiting forever. */
    for (int tries = 1;; tries++) {
        step = sqlite3_backup_step(b, -1);
        if ((step != SQLITE_BUSY && step != SQLITE_LOCKED) || tries == BUSY_TRIES)
            break;
        sqlite3_sleep(10);
    }
    *pages = sqlite3_backup_pagecount(b);
    sqlite3_backup_finish(b);
    b = NULL;
    if (step != SQLITE_DONE) {
        snprintf(err, errlen, "backup of %s failed: %s", src, sqlite3_errstr(step));
        goto out;
    }
    /* The copy keeps the source's WAL mode; fold its WAL into the file so
     * that the backup is the one file named dest. */
    if (sqlite3_exec(to, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK ||
        (rc = check_integrity(to, err, errlen)) != 0) {
        if (err[0] == '\0')
            snprintf(err, errlen, "%s: %s", part, sqlite3_errmsg(to));
        rc = PIVOT_EIO;
        goto out;
    }
    sqlite3_close(to);
    to = NULL;
    if (fsync_path(part) != 0 || rename(part, dest) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", dest, strerror(errno));
        rc = PIVOT_EIO;
        goto out;
    }
    rc = 0;
out:
    if (b != NULL)
        sqlite3_backup_finish(b);
    sqlite3_close(to);
    sqlite3_close(from);
    if (rc != 0)
        unlink(part);
    return rc;
}
