/* The logging.* settings applied to the log module (log.h). */
#ifndef PV_LOG_CONFIG_H
#define PV_LOG_CONFIG_H

#include "config.h"

#include <stddef.h>

/**
 * Applies logging.format, logging.level (unless PIVOT_LOG_LEVEL is set in
 * the environment, which wins) and, with open_audit_file, logging.audit_file.
 * Returns 0, or -1 with a message naming the setting in err.
 */
int pv_log_configure(const pv_config *cfg, int open_audit_file, char *err, size_t errlen);

#endif
