/*
 * Which channels a job exports: `channels.include` plus the names matching
 * `channels.pattern` (a glob), minus `channels.exclude`.
 */
#ifndef PV_CHANNEL_SELECT_H
#define PV_CHANNEL_SELECT_H

#include <stddef.h>

/** Longest channel name accepted. */
#define PV_CHANNEL_NAME_MAX 128

/**
 * True when name is a valid channel name: [A-Za-z0-9][A-Za-z0-9_.-]*, at
 * most PV_CHANNEL_NAME_MAX bytes, and not containing "..". Checked before any
 * file system access, so no name can reach outside the data directory.
 */
int pv_channel_name_valid(const char *name);

/** A growing list of distinct names, in insertion order. */
typedef struct pv_channel_list {
    char **names;
    size_t count;
    size_t cap;
} pv_channel_list;

/** Appends a copy of name unless present; 0, or -1 when out of memory. */
int pv_channel_list_add(pv_channel_list *list, const char *name);

/** True when name is in the list. */
int pv_channel_list_has(const pv_channel_list *list, const char *name);

/** Removes name when present. */
void pv_channel_list_remove(pv_channel_list *list, const char *name);

/** Frees the names and the list storage. */
void pv_channel_list_free(pv_channel_list *list);

/** True when the glob pattern (fnmatch syntax: * ? [...]) matches name. */
int pv_channel_glob_match(const char *pattern, const char *name);

#endif
