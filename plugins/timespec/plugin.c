/* Entry points of the timespec plugin: registers one parser per range type
 * and the bundled presets. */
#include "fields.h"
#include "parsers.h"
#include "presets.h"

#include <pivot/plugin.h>
#include <stddef.h>
#include <stdio.h>

PIVOT_PLUGIN_MAGIC("timespec", "0.1.0");

/* A refused registration needs no message of ours: the host reports its reason. */
int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    static const pivot_timespec_parser *const parsers[] = {
        &ts_parser_absolute, &ts_parser_start_duration, &ts_parser_end_duration,
        &ts_parser_relative, &ts_parser_duration,
    };
    int rc = 0;

    ts_fields_init(host);
    for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]) && rc == 0; i++)
        rc = host->register_timespec(reg, parsers[i]);
    if (rc != 0)
        goto out;
    /* Bundled with the server, yet checked as the ABI rule asks of every
     * member appended to the host table. */
    if (!PIVOT_HAS_MEMBER(host, pivot_host, register_preset)) {
        snprintf(err, errlen,
                 "this server cannot take presets (no register_preset); install "
                 "the timespec plugin that came with it");
        rc = PIVOT_ENOTSUP;
        goto out;
    }
    for (size_t i = 0; i < TS_NPRESETS && rc == 0; i++)
        rc = host->register_preset(reg, &ts_presets[i]);
out:
    return rc;
}
