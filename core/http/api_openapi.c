/* GET /api/v1/openapi.yaml: the API's contract, for code generators and people. */
#include "api.h"

#include "openapi_spec.h"

int pv_api_openapi(pv_server *srv, h2o_req_t *req)
{
    (void)srv;
    req->res.status = 200;
    req->res.reason = "OK";
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CONTENT_TYPE, NULL,
                   H2O_STRLIT("application/yaml; charset=utf-8"));
    /* The text changes only with the binary, so caches may keep it a while. */
    h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_CACHE_CONTROL, NULL,
                   H2O_STRLIT("public, max-age=3600"));
    req->res.content_length = pv_openapi_yaml_len;
    h2o_send_inline(req, pv_openapi_yaml, pv_openapi_yaml_len);
    return 0;
}
