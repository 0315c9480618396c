/* JSON log lines always parse: a message too long for the line is cut at a
 * whole character or escape and the line still closes; bytes that are not
 * UTF-8 become U+FFFD. Each line is read back with yajl. */
#include "check.h"
#include "config.h"
#include "log.h"
#include "log_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

/* The message of one JSON line, or NULL when the line does not parse. */
static char *message_of(const char *line)
{
    char err[256];
    const char *path[] = {"msg", NULL};
    yajl_val v = yajl_tree_parse(line, err, sizeof(err));
    yajl_val msg = v != NULL ? yajl_tree_get(v, path, yajl_t_string) : NULL;
    const char *text = msg != NULL ? YAJL_GET_STRING(msg) : NULL;
    char *out = text != NULL ? strdup(text) : NULL;

    if (v == NULL)
        fprintf(stderr, "not JSON (%s): %.200s\n", err, line);
    yajl_tree_free(v);
    return out;
}

int main(void)
{
    pv_config cfg;
    char err[256], *long_text = malloc(3001), line[16384];
    FILE *out = tmpfile();
    int saved = dup(2);
    char *msg;

    CHECK(out != NULL && saved >= 0 && long_text != NULL);
    CHECK_INT_EQ(pv_config_defaults(&cfg), 0);
    CHECK_INT_EQ(pv_config_set(&cfg, "logging.format", "json", err, sizeof(err)), 0);
    CHECK_INT_EQ(pv_log_configure(&cfg, 0, err, sizeof(err)), 0);
    dup2(fileno(out), 2);

    /* 3000 control characters: 18,000 bytes escaped, more than a line holds. */
    memset(long_text, '\x01', 3000);
    long_text[3000] = '\0';
    pv_log(PIVOT_LOG_ERROR, "test", "%s", long_text);
    pv_log(PIVOT_LOG_ERROR, "test", "bad \xff\xfe end, \xc3\x9c kept, cut \xe2\x82");
    pv_log(PIVOT_LOG_ERROR, "test", "quote \" backslash \\ tab \t");
    fflush(stderr);
    dup2(saved, 2);

    rewind(out);
    CHECK(fgets(line, sizeof(line), out) != NULL);
    msg = message_of(line);
    CHECK(msg != NULL);
    /* Cut after whole characters only, and far from empty. */
    CHECK(msg != NULL && strlen(msg) > 1000 && strspn(msg, "\x01") == strlen(msg));
    free(msg);

    CHECK(fgets(line, sizeof(line), out) != NULL);
    msg = message_of(line);
    CHECK_STR_EQ(msg,
                 "bad \xef\xbf\xbd\xef\xbf\xbd end, \xc3\x9c kept, cut \xef\xbf\xbd\xef\xbf\xbd");
    free(msg);

    CHECK(fgets(line, sizeof(line), out) != NULL);
    msg = message_of(line);
    CHECK_STR_EQ(msg, "quote \" backslash \\ tab \t");
    free(msg);

    fclose(out);
    free(long_text);
    pv_config_free(&cfg);
    return check_report();
}
