#include "api.h"

#include "channel_select.h"
#include "http_reply.h"
#include "json_out.h"

#include <stdlib.h>

int pv_api_health(pv_http_thread *t, h2o_req_t *req)
{
    const pv_registry *reg = t->server->registry;
    yajl_gen g = pv_gen_new();
    int rc;

    if (g == NULL)
        return -1;
    yajl_gen_map_open(g);
    pv_gen_key_str(g, "status", "ok");
    pv_gen_key_str(g, "version", PIVOT_VERSION);
    pv_gen_str(g, "plugins");
    yajl_gen_array_open(g);
    for (int i = 0; i < reg->nplugins; i++) {
        yajl_gen_map_open(g);
        pv_gen_key_str(g, "name", reg->plugins[i].magic->name);
        pv_gen_key_str(g, "version", reg->plugins[i].magic->version);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    rc = pv_reply_json(req, 200, g);
    yajl_gen_free(g);
    return rc;
}

static int collect(void *arg, const char *channel)
{
    return pv_name_list_add(arg, channel) != 0;
}

int pv_api_channels(pv_http_thread *t, h2o_req_t *req)
{
    const pivot_source *src = t->server->source;
    pv_name_list names = {0};
    char err[PIVOT_ERRMSG_SIZE] = "";
    yajl_gen g = NULL;
    int rc;

    if (src->list_channels(t->source_ctx, collect, &names, err, sizeof(err)) != 0) {
        rc = pv_reply_error(req, 500, "source-error", "The data source could not be read",
                            "listing channels failed: %s", err);
        goto out;
    }
    g = pv_gen_new();
    if (g == NULL) {
        rc = -1;
        goto out;
    }
    yajl_gen_map_open(g);
    pv_gen_str(g, "channels");
    yajl_gen_array_open(g);
    for (size_t i = 0; i < names.count; i++) {
        pivot_channel_info *info = NULL;
        yajl_gen_map_open(g);
        pv_gen_key_str(g, "name", names.names[i]);
        err[0] = '\0';
        if (src->describe(t->source_ctx, names.names[i], &info, err, sizeof(err)) != 0) {
            /* One unreadable channel does not hide the others. */
            pv_gen_key_null(g, "signals");
            pv_gen_key_str(g, "error", err);
        } else {
            pv_gen_str(g, "signals");
            yajl_gen_array_open(g);
            for (size_t s = 0; s < info->nsignals; s++) {
                yajl_gen_map_open(g);
                pv_gen_key_str(g, "name", info->signals[s].name);
                pv_gen_key_str(g, "type", pivot_type_name(info->signals[s].type));
                yajl_gen_map_close(g);
            }
            yajl_gen_array_close(g);
            src->free_info(t->source_ctx, info);
        }
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
    rc = pv_reply_json(req, 200, g);
out:
    if (g != NULL)
        yajl_gen_free(g);
    pv_name_list_free(&names);
    return rc;
}
