/*
 * Shared by the files of request validation: request.c checks the body as
 * a whole, request_signals.c its `signals` member against the channels'
 * descriptions. Not for other modules; they call pv_request_validate.
 */
#ifndef PV_REQUEST_INTERNAL_H
#define PV_REQUEST_INTERNAL_H

#include "channel_select.h"
#include "json_out.h"
#include "problem.h"
#include "registry.h"

#include <pivot/plugin.h>
#include <yajl/yajl_tree.h>

/** What a JSON value is, for messages ("a string", "nothing" for NULL). */
const char *pv_request_kind_name(yajl_val v);

/**
 * Resolves the request's `signals` member (NULL when absent) for the
 * selected channels: selected[c] receives the signals of channels->names[c]
 * to export, from infos[c] (the source's description of that channel). A
 * channel it does not name, or names with "*", exports every signal. Returns
 * 0, or -1 with *pb filled: 400 invalid-field for a malformed member, 422
 * invalid-field for a channel that is not selected, 422 unsupported-signal
 * for a field the channel lists as unsupported, 422 unknown-signal for
 * names in neither list, 500 when out of memory.
 */
int pv_request_select_signals(yajl_val signals, const pv_channel_list *channels,
                              pivot_channel_info *const *infos, pv_channel_list *selected,
                              pv_problem *pb);

#endif
