/* Entry points of the timespec plugin: registers one parser per range type. */
#include "fields.h"
#include "parsers.h"

#include <pivot/plugin.h>
#include <stddef.h>

PIVOT_PLUGIN_MAGIC("timespec", "0.1.0");

/* A refused registration needs no message of ours: the host reports its reason. */
int pivot_plugin_init(const pivot_host *host, pivot_registry *reg, char *err, size_t errlen)
{
    static const pivot_timespec_parser *const parsers[] = {
        &ts_parser_absolute, &ts_parser_start_duration, &ts_parser_end_duration,
        &ts_parser_relative, &ts_parser_duration,       &ts_parser_preset,
    };
    int rc = 0;

    (void)err;
    (void)errlen;
    ts_fields_init(host);
    for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]) && rc == 0; i++)
        rc = host->register_timespec(reg, parsers[i]);
    return rc;
}
