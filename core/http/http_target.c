#include "http_target.h"

h2o_iovec_t pv_http_origin_form(h2o_iovec_t target)
{
    h2o_url_t url;

    /* Clients send absolute form to proxies, and may to servers; h2o 2.2
     * takes it for a path ("/http://host/...") and pivot then finds no
     * route. Only http and https URLs parse; "*" and the rest stay as they
     * are and find no route. */
    if (target.len > 0 && target.base[0] != '/' &&
        h2o_url_parse(target.base, target.len, &url) == 0)
        return url.path;
    return target;
}
