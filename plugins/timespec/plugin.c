/* Entry points of the timespec plugin: registers one parser per range type. */
#include "fields.h"
#include "parsers.h"

#include <pivot/plugin.h>
#include <stddef.h>

PIVOT_PLUGIN_MAGIC("timespec", "0.1.0");

PIVOT_PLUGIN_EXPORT int pivot_plugin_init(const pivot_host *host, pivot_registry *reg);

int pivot_plugin_init(const pivot_host *host, pivot_registry *reg)
{
    static const pivot_timespec_parser *const parsers[] = {
        &ts_parser_absolute, &ts_parser_start_duration, &ts_parser_end_duration,
        &ts_parser_relative, &ts_parser_duration,       &ts_parser_preset,
    };
    int rc = 0;

    /* The JSON accessors sit before random_bytes in the table. */
    if (host == NULL || host->size < offsetof(pivot_host, random_bytes)) {
        rc = PIVOT_ENOTSUP;
        goto out;
    }
    ts_fields_init(host);
    for (size_t i = 0; i < sizeof(parsers) / sizeof(parsers[0]); i++) {
        rc = host->register_timespec(reg, parsers[i]);
        if (rc != 0) {
            if (host->log != NULL)
                host->log(PIVOT_LOG_ERROR, "timespec", "cannot register time_range type \"%s\"",
                          parsers[i]->type);
            goto out;
        }
    }
out:
    return rc;
}
