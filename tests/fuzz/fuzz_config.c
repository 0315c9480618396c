/*
 * The YAML configuration loader: the input is written to a file and loaded
 * over the defaults, as `pivotd --config FILE` does.
 */
#include "config.h"
#include "fuzz_target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char config_path[64];

static void remove_config(void)
{
    unlink(config_path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_config cfg;
    char err[1024];
    FILE *f;

    if (config_path[0] == '\0') {
        int fd;
        snprintf(config_path, sizeof(config_path), "/tmp/pivot-fuzz-config-XXXXXX");
        fd = mkstemp(config_path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(remove_config);
    }
    f = fopen(config_path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    memset(&cfg, 0, sizeof(cfg));
    if (pv_config_defaults(&cfg) != 0)
        abort();
    err[0] = '\0';
    pv_config_load_file(&cfg, config_path, err, sizeof(err));
    if (memchr(err, '\0', sizeof(err)) == NULL)
        abort();
    pv_config_free(&cfg);
    return 0;
}
