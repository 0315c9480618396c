/* The web page's files (web/ in the source tree), compiled into pivotd so
 * that the page works offline and always matches the API of the binary. */
#ifndef PV_WEB_ASSETS_H
#define PV_WEB_ASSETS_H

#include <stddef.h>

/** One file of web/: its path below web/ ("/index.html") and its bytes. */
typedef struct pv_web_asset {
    const char *path;  /**< "/" followed by the path below web/ */
    const char *data;  /**< the file's bytes, NUL-terminated */
    const size_t *len; /**< its length in bytes, without the NUL */
} pv_web_asset;

/** The table, generated at build time by core/CMakeLists.txt. */
extern const pv_web_asset pv_web_assets[];
/** How many entries pv_web_assets holds. */
extern const size_t pv_web_asset_count;

#endif
