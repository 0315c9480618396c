/* The logging.* settings applied to the log module (log.h). */
#ifndef PV_LOG_CONFIG_H
#define PV_LOG_CONFIG_H

#include "config.h"

#include <stddef.h>

/**
 * Applies logging.format, logging.level (unless PIVOT_LOG_LEVEL is set in
 * the environment, which wins) and, with open_audit_file, logging.audit_file
 * (reopened: a reload after a log rotation writes to the new file); a
 * setting left out gets its default. Returns 0, or -1 with a message naming
 * the setting in err, having changed nothing.
 */
int pv_log_configure(const pv_config *cfg, int open_audit_file, char *err, size_t errlen);

#endif
