/*
 * The `signals` member of a job request: for each selected channel, the
 * signals to export, checked against the source's description of it. A
 * name the schema has but no pivot type holds (an Avro array or map, say)
 * is told apart from a name the schema does not have, so that the user
 * learns why it cannot be exported instead of suspecting a typo.
 */
#include "request_internal.h"

#include "export_signals.h"
#include "suggest.h"

#include <stdio.h>
#include <string.h>

#define T_FIELD "invalid-field", "A field of the request is invalid"
#define T_UNKNOWN_SIGNAL "unknown-signal", "The job names signals that do not exist"
#define T_UNSUPPORTED_SIGNAL "unsupported-signal", "The job names fields that cannot be exported"

/* Names listed in a problem's detail before "...": the detail has 1 KiB. */
#define NAMES_LISTED 10

/* Names the request got wrong, gathered over all channels to report them at once. */
typedef struct name_report {
    char names[900]; /* "ch1.a, ch2.b (did you mean \"b1\"?)" */
    size_t count;
    size_t used;
} name_report;

static void report_add(name_report *r, const char *channel, const char *quoted, const char *hint)
{
    if (r->count++ < NAMES_LISTED && r->used < sizeof(r->names))
        r->used += (size_t)snprintf(r->names + r->used, sizeof(r->names) - r->used, "%s%s.%s%s",
                                    r->count > 1 ? ", " : "", channel, quoted, hint);
}

/* " (did you mean \"voltage\"?)" among the channel's signals, or "". */
static void near_signals(const pivot_channel_info *info, const char *name, char *out, size_t len)
{
    pv_suggest near;

    pv_suggest_init(&near, name);
    for (size_t i = 0; i < info->nsignals; i++)
        pv_suggest_offer(&near, info->signals[i].name);
    pv_suggest_text(&near, out, len);
}

static int has_signal(const pivot_channel_info *info, const char *name)
{
    for (size_t i = 0; i < info->nsignals; i++) {
        if (strcmp(info->signals[i].name, name) == 0)
            return 1;
    }
    return 0;
}

/* The field `name` among the channel's unsupported ones, or NULL. */
static const pivot_unsupported_field *find_unsupported(const pivot_channel_info *info,
                                                       const char *name)
{
    if (info->unsupported == NULL)
        return NULL;
    for (size_t i = 0; i < info->nunsupported; i++) {
        if (info->unsupported[i].name != NULL && strcmp(info->unsupported[i].name, name) == 0)
            return &info->unsupported[i];
    }
    return NULL;
}

static int select_all(const pivot_channel_info *info, pv_channel_list *selected)
{
    for (size_t s = 0; s < info->nsignals; s++) {
        if (pv_channel_list_add(selected, info->signals[s].name) != 0)
            return -1;
    }
    return 0;
}

/* The first unsupported field named, kept whole for the detail. */
typedef struct unsupported_hit {
    const char *channel;
    const pivot_unsupported_field *field;
    char quoted[300];
} unsupported_hit;

static int unsupported_problem(const unsupported_hit *hit, const name_report *all, pv_problem *pb)
{
    char field[400], more[1000] = "";
    const char *type = hit->field->source_type != NULL ? hit->field->source_type : "unknown";
    const char *reason = hit->field->reason != NULL && hit->field->reason[0] != '\0'
                             ? hit->field->reason
                             : "no pivot type holds it";
    int reason_len = (int)strnlen(reason, 512);

    /* The reason is a sentence; its full stop would double the one below. */
    while (reason_len > 0 && reason[reason_len - 1] == '.')
        reason_len--;
    snprintf(field, sizeof(field), "signals.%s", hit->channel);
    if (all->count > 1)
        snprintf(more, sizeof(more), " (%zu such fields named: %s%s)", all->count, all->names,
                 all->count > NAMES_LISTED ? ", ..." : "");
    return pv_problem_set(pb, 422, T_UNSUPPORTED_SIGNAL, field,
                          "%s: field \"%s\" of channel \"%s\" (source type %s) cannot be "
                          "exported: %.*s. Remove it from %s; the channel's other signals export "
                          "as usual%s",
                          field, hit->quoted, hit->channel, type, reason_len, reason, field, more);
}

/* Adds the listed signals of one channel to selected, or records the names
 * that are not signals in the reports. Returns 0, or -1 with *pb filled. */
static int select_listed(const char *channel, const pivot_channel_info *info, yajl_val list,
                         pv_channel_list *selected, name_report *unknown, name_report *unsupported,
                         unsupported_hit *first, pv_problem *pb)
{
    char field[400];

    snprintf(field, sizeof(field), "signals.%s", channel);
    if (!YAJL_IS_ARRAY(list) || list->u.array.len == 0)
        return pv_problem_set(pb, 400, T_FIELD, field,
                              "%s: must be \"*\" or a non-empty array of signal names; got %s",
                              field, pv_request_kind_name(list));
    for (size_t s = 0; s < list->u.array.len; s++) {
        yajl_val v = list->u.array.values[s];
        const pivot_unsupported_field *u;
        char quoted[300];
        if (!YAJL_IS_STRING(v))
            return pv_problem_set(pb, 400, T_FIELD, field,
                                  "%s[%zu]: must be a signal name (a string); got %s", field, s,
                                  pv_request_kind_name(v));
        if (strcmp(v->u.string, "time") == 0)
            continue; /* time is always exported */
        if (has_signal(info, v->u.string)) {
            if (pv_channel_list_add(selected, v->u.string) != 0)
                return pv_problem_set(pb, 500, "internal-error", "Internal error", NULL,
                                      "out of memory");
            continue;
        }
        pv_problem_quote(v->u.string, quoted, sizeof(quoted));
        u = find_unsupported(info, v->u.string);
        if (u == NULL) {
            char hint[PV_SUGGEST_MAX * PV_SUGGEST_NAME_SIZE + 32];
            near_signals(info, v->u.string, hint, sizeof(hint));
            report_add(unknown, channel, quoted, hint);
            continue;
        }
        if (unsupported->count == 0) {
            first->channel = channel;
            first->field = u;
            memcpy(first->quoted, quoted, sizeof(first->quoted));
        }
        report_add(unsupported, channel, quoted, "");
    }
    return 0;
}

int pv_request_select_signals(yajl_val sig, const pv_channel_list *channels,
                              pivot_channel_info *const *infos, pv_channel_list *selected,
                              pv_problem *pb)
{
    name_report unknown = {.count = 0}, unsupported = {.count = 0};
    unsupported_hit first = {NULL, NULL, ""};

    if (sig != NULL && !YAJL_IS_NULL(sig) && !YAJL_IS_OBJECT(sig))
        return pv_problem_set(pb, 400, T_FIELD, "signals",
                              "signals: must be an object mapping channels to a list of signals "
                              "or \"*\", e.g. {\"ch1\": [\"voltage\"], \"ch2\": \"*\"}; got %s",
                              pv_request_kind_name(sig));
    for (size_t i = 0; sig != NULL && YAJL_IS_OBJECT(sig) && i < sig->u.object.len; i++) {
        const char *channel = sig->u.object.keys[i];
        if (!pv_channel_list_has(channels, channel)) {
            char quoted[300], field[400];
            pv_problem_quote(channel, quoted, sizeof(quoted));
            snprintf(field, sizeof(field), "signals.%s", quoted);
            return pv_problem_set(pb, 422, T_FIELD, field,
                                  "%s: channel \"%s\" is not selected for export; add it to "
                                  "channels.include or remove it from signals",
                                  field, quoted);
        }
    }
    for (size_t c = 0; c < channels->count; c++) {
        const char *channel = channels->names[c];
        yajl_val list = pv_json_member(sig, channel);
        /* A channel not named in signals, or named with "*", exports every signal. */
        if (list == NULL || YAJL_IS_NULL(list) ||
            (YAJL_IS_STRING(list) && strcmp(list->u.string, "*") == 0)) {
            if (select_all(infos[c], &selected[c]) != 0)
                return pv_problem_set(pb, 500, "internal-error", "Internal error", NULL,
                                      "out of memory");
            continue;
        }
        if (select_listed(channel, infos[c], list, &selected[c], &unknown, &unsupported, &first,
                          pb) != 0)
            return -1;
    }
    /* An unsupported field is reported first: its reason says more than
     * "not found", and the fix (drop it) is certain. */
    if (unsupported.count > 0)
        return unsupported_problem(&first, &unsupported, pb);
    if (unknown.count > 0)
        return pv_problem_set(pb, 422, T_UNKNOWN_SIGNAL, "signals",
                              "signals: %zu signal%s not found in the channels' schemas: %s%s; "
                              "GET /api/v1/pivot/channels lists each channel's signals",
                              unknown.count, unknown.count == 1 ? " was" : "s were", unknown.names,
                              unknown.count > NAMES_LISTED ? ", ..." : "");
    return 0;
}
