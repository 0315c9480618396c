/*
 * Members named twice in one JSON object. yajl keeps both copies and pivot
 * reads the first, while many other readers take the last: a stored
 * request with both would describe another job to them than the one run.
 */
#ifndef PV_JSON_UNIQUE_H
#define PV_JSON_UNIQUE_H

#include <stddef.h>
#include <yajl/yajl_tree.h>

/**
 * Finds a member that appears more than once in an object anywhere in v.
 * Returns 1 and writes its path (`options.metadata.tags[0].k`, cut to
 * pathlen) into path, or 0 when every object's members are distinct.
 */
int pv_json_find_duplicate(yajl_val v, char *path, size_t pathlen);

#endif
