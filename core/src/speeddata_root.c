/*
 * SpeedData's installation folder (speeddata.root). A site that points
 * pivotd at it need not repeat where the relay writes its cache: unless
 * pivotd's own storage.avro_path (or data_dir, or --data-dir) is set, the
 * cache is the storage.avro_path of SpeedData's config/global.yaml, a path
 * relative to the root. The Avro source reads the rest of SpeedData's
 * configuration (relay.yaml, the registry, the schemas) itself.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pv_speeddata_resolve(pv_config *cfg, char *err, size_t errlen)
{
    const char *root = pv_config_get(cfg, "speeddata.root");
    pv_config global;
    char path[4096];
    char msg[1024] = "";
    const char *avro_path;
    int rc = -1;

    if (root == NULL || root[0] == '\0' || cfg->data_dir_set)
        return 0;
    if (pv_config_defaults(&global) != 0) {
        snprintf(err, errlen, "speeddata.root: out of memory");
        return -1;
    }
    snprintf(path, sizeof(path), "%s/config/global.yaml", root);
    if (pv_config_load_file(&global, path, msg, sizeof(msg)) != 0) {
        snprintf(err, errlen,
                 "speeddata.root: cannot read SpeedData's config/global.yaml (%s); set "
                 "storage.avro_path to the relay's cache instead",
                 msg);
        goto out;
    }
    /* pv_config_defaults gives "./data" too; only the file's own value counts. */
    avro_path = global.data_dir_set ? global.data_dir : "./data";
    if (avro_path[0] == '/')
        snprintf(path, sizeof(path), "%s", avro_path);
    else
        snprintf(path, sizeof(path), "%s/%s", root, avro_path);
    if (pv_config_set(cfg, "storage.avro_path", path, err, errlen) != 0)
        goto out;
    rc = 0;
out:
    pv_config_free(&global);
    return rc;
}
