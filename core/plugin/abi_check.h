/*
 * The ABI rule (<pivot/common.h>) applied to what a plugin hands the host at
 * run time: a struct smaller than the major's first version is refused
 * before anything reads it, with a message naming the struct and the fix,
 * so that a plugin that forgot to set `size` fails loudly instead of being
 * read past its end.
 */
#ifndef PV_ABI_CHECK_H
#define PV_ABI_CHECK_H

#include <pivot/plugin.h>

#include <stddef.h>

/**
 * The size of a struct in the first version of the major: up to its last
 * member then. Never changes within a major; a member appended later is read
 * only when `size` covers it (PIVOT_HAS_MEMBER).
 */
#define PV_SIZE_FIRST(type, last) (offsetof(type, last) + sizeof(((type *)0)->last))

/**
 * Calls source->describe for channel and checks the description and its
 * signal details. Returns describe's result, or PIVOT_EIO with a message
 * (and *out NULL, the description freed) when a struct is too small.
 */
int pv_source_describe(const pivot_source *source, void *ctx, const char *channel,
                       pivot_channel_info **out, char *err, size_t errlen);

/**
 * Checks a batch a source delivered: 0, or PIVOT_EIO with a message when
 * its size is smaller than the major's first pivot_batch.
 */
int pv_source_batch_check(const pivot_batch *batch, char *err, size_t errlen);

#endif
