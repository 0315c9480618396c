/*
 * The choice of a job store backend: which job_store values name
 * PostgreSQL, what the state folder makes of job_store and results_dir
 * (an unknown value refused with a message naming it), the node name, and
 * a SQLite store opened through the interface being no cluster.
 */
#include "check.h"
#include "config.h"
#include "jobstore_backend.h"
#include "state_dir.h"

#include <limits.h>
#include <pivot/common.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_is_postgres(void)
{
    CHECK_INT_EQ(pv_jobstore_is_postgres("postgresql://pivot@db/pivot"), 1);
    CHECK_INT_EQ(pv_jobstore_is_postgres("postgres:///pivot?host=/run/pg"), 1);
    CHECK_INT_EQ(pv_jobstore_is_postgres("sqlite"), 0);
    CHECK_INT_EQ(pv_jobstore_is_postgres("/var/lib/pivot/jobs.db"), 0);
    CHECK_INT_EQ(pv_jobstore_is_postgres("mysql://db/pivot"), 0);
    CHECK_INT_EQ(pv_jobstore_is_postgres(NULL), 0);
}

static void test_state_dir(const char *dir)
{
    pv_config cfg;
    char state[PATH_MAX], shared[PATH_MAX], store[4096], results[4096], err[512] = "";
    char node[512], real[PATH_MAX], expect[PATH_MAX + 300], host[256] = "";

    snprintf(state, sizeof(state), "%s/state", dir);
    snprintf(shared, sizeof(shared), "%s/shared-results", dir);
    CHECK_INT_EQ(pv_config_defaults(&cfg), 0);
    CHECK_INT_EQ(pv_config_set(&cfg, "state_dir", state, err, sizeof(err)), 0);

    /* Unset and "sqlite" are the state folder's file. */
    CHECK_INT_EQ(pv_state_dir_prepare(&cfg, store, sizeof(store), results, sizeof(results), err,
                                      sizeof(err)),
                 0);
    CHECK(realpath(state, real) != NULL);
    snprintf(expect, sizeof(expect), "%s/jobs.db", state);
    CHECK_STR_EQ(store, expect);
    snprintf(expect, sizeof(expect), "%s/results", real);
    CHECK_STR_EQ(results, expect);
    CHECK_INT_EQ(pv_config_set(&cfg, "job_store", "sqlite", err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_state_dir_prepare(&cfg, store, sizeof(store), results, sizeof(results), err,
                                      sizeof(err)),
                 0);
    snprintf(expect, sizeof(expect), "%s/jobs.db", state);
    CHECK_STR_EQ(store, expect);

    /* A URI is passed on as it is; results_dir is made and named absolutely. */
    CHECK_INT_EQ(pv_config_set(&cfg, "job_store", "postgresql://pivot@db/pivot", err, sizeof(err)),
                 0);
    CHECK_INT_EQ(pv_config_set(&cfg, "results_dir", shared, err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_state_dir_prepare(&cfg, store, sizeof(store), results, sizeof(results), err,
                                      sizeof(err)),
                 0);
    CHECK_STR_EQ(store, "postgresql://pivot@db/pivot");
    CHECK(realpath(shared, real) != NULL);
    CHECK_STR_EQ(results, real);
    /* A shared store is never "missing" beside existing results. */
    CHECK_INT_EQ(pv_state_dir_check_store(store, results, err, sizeof(err)), 0);

    /* Anything else is refused, naming the setting and the value. */
    CHECK_INT_EQ(pv_config_set(&cfg, "job_store", "mysql://db/pivot", err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_state_dir_prepare(&cfg, store, sizeof(store), results, sizeof(results), err,
                                      sizeof(err)),
                 PIVOT_EINVAL);
    CHECK(strstr(err, "job_store: 'mysql://db/pivot' is neither") != NULL);

    /* The node: node_name, else host name and state folder. */
    gethostname(host, sizeof(host) - 1);
    CHECK(realpath(state, real) != NULL);
    snprintf(expect, sizeof(expect), "%s:%s", host, real);
    CHECK_INT_EQ(pv_state_node_name(&cfg, node, sizeof(node)), 0);
    CHECK_STR_EQ(node, expect);
    CHECK_INT_EQ(pv_config_set(&cfg, "node_name", "node7", err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_state_node_name(&cfg, node, sizeof(node)), 0);
    CHECK_STR_EQ(node, "node7");
    CHECK_INT_EQ(pv_state_node_name(&cfg, node, 3), PIVOT_ERANGE);
    pv_config_free(&cfg);
}

static void test_sqlite_is_no_cluster(const char *dir)
{
    char path[PATH_MAX], err[512] = "";
    pv_jobstore *js = NULL;
    pv_cluster_node node = {"node1", 3, 0, 120000, 0};

    snprintf(path, sizeof(path), "%s/jobs.db", dir);
    CHECK_INT_EQ(pv_jobstore_open(path, &js, err, sizeof(err)), 0);
    CHECK_STR_EQ(js->ops->name, "sqlite");
    CHECK_INT_EQ(pv_jobstore_is_shared(js), 0);
    CHECK_INT_EQ(pv_jobstore_join(js, &node), 0);
    CHECK_INT_EQ(pv_jobstore_listen(js), 0);
    CHECK_INT_EQ(pv_jobstore_wake_fd(js), -1);
    CHECK_INT_EQ(pv_jobstore_node_beat(js, 1, 2, NULL, NULL), 0);
    pv_jobstore_close(js);
}

int main(void)
{
    char dir[] = "/tmp/pivot-backend-XXXXXX", cmd[300];

    if (mkdtemp(dir) == NULL)
        return 2;
    test_is_postgres();
    test_state_dir(dir);
    test_sqlite_is_no_cluster(dir);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 2;
    return check_report();
}
