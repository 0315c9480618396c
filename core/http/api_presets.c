/* GET /api/v1/pivot/presets: every preset name the plugins registered,
 * with what it resolves to at this request's time. */
#include "api.h"

#include "http_reply.h"
#include "json_out.h"
#include "timeutil.h"

/* One preset: where it comes from and its range now, or why it has none
 * now ("today" at exactly midnight UTC). */
static void gen_preset(yajl_gen g, const pv_registry *reg, const pv_provider *entry, int64_t now_ns)
{
    const pivot_preset *p = entry->provider;
    const char *plugin = entry->plugin >= 0 && entry->plugin < reg->nplugins
                             ? reg->plugins[entry->plugin].magic->name
                             : NULL;
    pivot_range r = {-1, -1};
    char err[PIVOT_ERRMSG_SIZE];
    int ok = pv_registry_preset_resolve(p, now_ns, &r, err, sizeof(err)) == 0;

    yajl_gen_map_open(g);
    pv_json_key_str(g, "name", p->name);
    pv_json_key_str(g, "description", p->description);
    pv_json_key_str(g, "plugin", plugin);
    pv_json_key_time_ns(g, "start", ok ? r.start_ns : -1);
    pv_json_key_time_ns(g, "end", ok ? r.end_ns : -1);
    if (ok) {
        pv_json_key_int(g, "start_ns", r.start_ns);
        pv_json_key_int(g, "end_ns", r.end_ns);
    } else {
        pv_json_key_null(g, "start_ns");
        pv_json_key_null(g, "end_ns");
        pv_json_key_str(g, "error", err);
    }
    yajl_gen_map_close(g);
}

int pv_api_presets(pv_api_env *env, h2o_req_t *req)
{
    const pv_registry *reg = env->server->registry;
    /* One instant for every preset, as a job submitted now would see it. */
    int64_t now_ns = pv_time_now_ns();
    yajl_gen g = pv_json_gen_new();
    int rc;

    if (g == NULL)
        return pv_reply_error(req, 500, "internal-error", "Internal error", "out of memory");
    yajl_gen_map_open(g);
    pv_json_key_time_ns(g, "now", now_ns);
    pv_json_key_int(g, "now_ns", now_ns);
    pv_json_str(g, "presets");
    yajl_gen_array_open(g);
    for (int i = 0; i < reg->npresets; i++)
        gen_preset(g, reg, &reg->presets[i], now_ns);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    rc = pv_reply_json(req, 200, g);
    yajl_gen_free(g);
    return rc;
}
