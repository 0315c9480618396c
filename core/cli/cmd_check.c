/*
 * pivotd check [--repair]: does the job store agree with the results
 * folder? A completed job whose file is gone ("missing": --repair marks the
 * job failed, so it is no longer offered for download), and a file in
 * results/ that no job refers to ("orphan": --repair removes it, as the
 * server's own sweep would within the minute; a preview goes with the
 * result it belongs to). Safe while the server runs.
 * Exit status: 0 when they agree (or everything found was repaired), 1
 * when problems remain, 2 for a usage error.
 */
#include "commands.h"
#include "jobstore.h"
#include "log.h"
#include "result_files.h"
#include "state_dir.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MISSING_MESSAGE "its result file was lost (found missing by pivotd check --repair)"

enum { OPT_REPAIR = PV_OPT_COMMAND };

typedef struct check_run {
    pv_jobstore *js;
    const char *results;
    int repair;
    size_t jobs, files, missing, orphans, unaccounted, repaired;
} check_run;

static int check_option(void *arg, int opt, const char *value)
{
    check_run *r = arg;
    (void)value;
    if (opt != OPT_REPAIR)
        return -1;
    r->repair = 1;
    return 0;
}

static int file_gone(const char *path)
{
    struct stat st;
    return stat(path, &st) != 0 && errno == ENOENT;
}

/* True when job id is still completed with its file: retention (or a
 * delete) may have removed the file since the listing, which is no loss. */
static int still_vouched(check_run *r, const char *id)
{
    pv_job now;
    int vouched = 0;

    if (pv_jobstore_get(r->js, id, NULL, &now) == 0) {
        vouched = now.status == PV_JOB_COMPLETED && now.expired_ms == 0;
        pv_job_clear(&now);
    }
    return vouched;
}

static int check_job(void *arg, const pv_job *job)
{
    check_run *r = arg;
    char path[PATH_MAX + 256];

    r->jobs++;
    if (pv_state_result_path(r->results, job->file_name, path, sizeof(path)) != 0 ||
        !file_gone(path) || !still_vouched(r, job->id))
        return 0;
    r->missing++;
    printf("missing: job %s of %s is completed but its file %s is gone\n", job->id, job->owner,
           path);
    if (r->repair && pv_jobstore_fail_completed(r->js, job->id, MISSING_MESSAGE) == 0) {
        r->repaired++;
        printf("  repaired: job %s is now failed: " MISSING_MESSAGE "\n", job->id);
        /* Its preview shows a file that is gone. */
        pv_state_remove_preview(r->results, job->file_name);
    }
    return 0;
}

static void check_file(void *arg, const pv_result_file *f)
{
    check_run *r = arg;

    /* A preview is counted with its result, and reported only as an orphan. */
    if (!f->preview)
        r->files++;
    switch (f->claim) {
    case PV_RESULT_ORPHAN:
        r->orphans++;
        printf("orphan: %s: no job refers to it\n", f->path);
        if (r->repair && (unlink(f->path) == 0 || errno == ENOENT)) {
            r->repaired++;
            printf("  repaired: removed %s\n", f->path);
        }
        break;
    case PV_RESULT_UNACCOUNTED:
        r->unaccounted++;
        printf("unaccounted: %s: the job store holds no job at all, so it cannot vouch "
               "for any file; restore the jobs.db it belongs to (never removed by --repair)\n",
               f->path);
        break;
    case PV_RESULT_IN_USE:
    default:
        break;
    }
}

/* Files first, then the store: a job that completes meanwhile has its file
 * listed only if it existed at the listing, and then its row is found. */
static int check_files(check_run *r, char *err, size_t errlen)
{
    if (pv_result_files_each(r->js, r->results, check_file, r) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", r->results, strerror(errno));
        return -1;
    }
    return 0;
}

int pv_cli_cmd_check(pv_cli *cli, int argc, char **argv)
{
    static const struct option options[] = {
        PV_CLI_COMMON_OPTIONS, {"repair", no_argument, NULL, OPT_REPAIR}, {NULL, 0, NULL, 0}};
    check_run r;
    char job_store[PATH_MAX], results[PATH_MAX], err[1024] = "";
    size_t problems;
    int status = 2;

    memset(&r, 0, sizeof(r));
    int parsed = pv_cli_parse(cli, argc, argv, options, check_option, &r);
    if (parsed != 0)
        return parsed > 0 ? 0 : 2;
    r.results = results;
    /* Opening migrates an older store and refuses a newer one, as serve does. */
    if (pv_state_dir_prepare(&cli->config, job_store, sizeof(job_store), results, sizeof(results),
                             err, sizeof(err)) != 0 ||
        pv_jobstore_open(job_store, &r.js, err, sizeof(err)) != 0 ||
        check_files(&r, err, sizeof(err)) != 0)
        goto out;
    if (pv_jobstore_each_result_file(r.js, check_job, &r) != 0) {
        snprintf(err, sizeof(err), "job store %.500s: %.400s", job_store, pv_jobstore_errmsg(r.js));
        goto out;
    }
    problems = r.missing + r.orphans + r.unaccounted;
    printf("checked %zu completed jobs and %zu result files: %zu missing, %zu orphaned, "
           "%zu unaccounted",
           r.jobs, r.files, r.missing, r.orphans, r.unaccounted);
    if (r.repair)
        printf(", %zu repaired", r.repaired);
    printf("\n");
    if (r.repaired > 0)
        pv_log_audit(PIVOT_LOG_INFO, "admin-action", "local", NULL,
                     "check --repair: %zu repaired, uid %d", r.repaired, (int)getuid());
    status = problems > r.repaired ? 1 : 0;
out:
    pv_jobstore_close(r.js);
    if (err[0] != '\0')
        fprintf(stderr, "pivotd: check: %s\n", err);
    return status;
}
