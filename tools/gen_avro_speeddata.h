/*
 * What a SpeedData site keeps beside its relay's Avro cache: one schema file
 * per channel (<channel>.avsc) and the relay's configuration
 * (config/relay.yaml, config/global.yaml), in SpeedData's own formats.
 */
#ifndef PIVOT_GEN_AVRO_SPEEDDATA_H
#define PIVOT_GEN_AVRO_SPEEDDATA_H

#include "gen_avro_channel.h"

#include <stddef.h>

/* Ports of SpeedData's relays: the first channel listens on this one, the next on the next. */
#define GEN_RELAY_FIRST_PORT 26000
#define GEN_RELAY_LAST_PORT 65535

/* Writes <dir>/<channel>.avsc, the schema of the records, for every channel of the plan.
 * 0, or -1 with err set. */
int gen_write_avsc(const char *dir, const struct gen_plan *plan, char *err, size_t errlen);

/*
 * Writes <root>/config/global.yaml (storage.avro_path: ./data) and
 * <root>/config/relay.yaml (one entry per channel: name, port, schema
 * config/agents/<channel>.avsc). The folders must exist. 0, or -1 with err set.
 */
int gen_write_speeddata_config(const char *root, const struct gen_params *pa, char *err,
                               size_t errlen);

#endif
