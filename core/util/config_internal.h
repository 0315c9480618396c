/* Between the settings table (config.c) and the YAML file reader (config_file.c). */
#ifndef PV_CONFIG_INTERNAL_H
#define PV_CONFIG_INTERNAL_H

#include "config.h"

#include <stdbool.h>

#define CONFIG_MSG_SIZE 512
/* Deeper nesting than this is a mistake, and recursion must stay bounded. */
#define CONFIG_MAX_DEPTH 64

/**
 * Applies one dotted key as a flag would. value NULL is YAML's null.
 * cross_check is false while a file is read (its keys come in any order).
 */
int pv_config_apply_key(pv_config *cfg, const char *key, const char *value, bool cross_check,
                        char *msg, size_t len);

/** True when key names a typed setting. */
bool pv_config_is_typed(const char *key);

/** True when key is a proper prefix of a typed setting ("api.limits"): a mapping. */
bool pv_config_is_section(const char *key);

/** Forgets the items of an earlier sequence at key ("key.0"...). */
void pv_config_remove_items(pv_config *cfg, const char *key);

/** Checks jobs.timeout against jobs.timeout_cap once both are known. */
int pv_config_check_timeout(const pv_config *cfg, const char *key, char *msg, size_t len);

#endif
