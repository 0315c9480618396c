#include "log.h"

#include "timeutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Atomic: a reload (SIGHUP) changes them while other threads log. */
static atomic_int max_level = PIVOT_LOG_INFO;
static atomic_int line_format = PV_LOG_TEXT;
/* The audit stream's file (NULL: stderr), swapped by a reload under the lock. */
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *audit_out;
/* The job a worker process runs, added to each of its lines; "" in the server. */
static char context_job[64];

static pivot_log_level current_level(void)
{
    return (pivot_log_level)atomic_load_explicit(&max_level, memory_order_relaxed);
}

static pv_log_format current_format(void)
{
    return (pv_log_format)atomic_load_explicit(&line_format, memory_order_relaxed);
}

void pv_log_set_level(pivot_log_level level)
{
    atomic_store_explicit(&max_level, (int)level, memory_order_relaxed);
}

int pv_log_level_parse(const char *text, pivot_log_level *out)
{
    static const pivot_log_level levels[] = {PIVOT_LOG_ERROR, PIVOT_LOG_WARNING, PIVOT_LOG_INFO,
                                             PIVOT_LOG_DEBUG};
    static const char *const names[] = {"error", "warning", "info", "debug"};

    for (size_t i = 0; text != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = levels[i];
            return 0;
        }
    }
    return -1;
}

int pv_log_format_parse(const char *text, pv_log_format *out)
{
    static const char *const names[] = {"text", "logfmt", "json"};

    for (size_t i = 0; text != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(text, names[i]) == 0) {
            *out = (pv_log_format)i;
            return 0;
        }
    }
    return -1;
}

void pv_log_set_format(pv_log_format format)
{
    atomic_store_explicit(&line_format, (int)format, memory_order_relaxed);
}

void pv_log_set_job(const char *job_id)
{
    snprintf(context_job, sizeof(context_job), "%s", job_id != NULL ? job_id : "");
}

int pv_log_set_audit_file(const char *path, char *err, size_t errlen)
{
    FILE *f = NULL;
    int fd;

    if (path != NULL) {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || (f = fdopen(fd, "a")) == NULL) {
            snprintf(err, errlen, "logging.audit_file: cannot open %s: %s", path, strerror(errno));
            if (fd >= 0)
                close(fd);
            return -1;
        }
        /* Each audit line reaches the file when it is written. */
        setvbuf(f, NULL, _IOLBF, 0);
    }
    pthread_mutex_lock(&audit_lock);
    if (audit_out != NULL)
        fclose(audit_out);
    audit_out = f;
    pthread_mutex_unlock(&audit_lock);
    return 0;
}

static const char *level_name(pivot_log_level level)
{
    switch (level) {
    case PIVOT_LOG_ERROR:
        return "error";
    case PIVOT_LOG_WARNING:
        return "warning";
    case PIVOT_LOG_INFO:
        return "info";
    case PIVOT_LOG_DEBUG:
        return "debug";
    }
    return "log";
}

/* A line being built in a fixed buffer. What does not fit is cut at a whole
 * character or escape, and the rest of the line's fields are left out, so
 * that a JSON or logfmt line always closes: the last CLOSE_RESERVE bytes are
 * kept for the closing quote and brace. */
#define CLOSE_RESERVE 8

typedef struct line_buf {
    char text[8192];
    size_t len;
    int cut;              /**< something did not fit: no more fields */
    pv_log_format format; /**< read once per line: a reload may change it meanwhile */
} line_buf;

static int fits(const line_buf *b, size_t n)
{
    return b->len + n <= sizeof(b->text) - 1 - CLOSE_RESERVE;
}

/* Appends n bytes when they fit, else marks the line cut. */
static void put(line_buf *b, const char *s, size_t n)
{
    if (b->cut || !fits(b, n)) {
        b->cut = 1;
        return;
    }
    memcpy(b->text + b->len, s, n);
    b->len += n;
    b->text[b->len] = '\0';
}

/* Appends a closing token into the reserve. */
static void put_close(line_buf *b, const char *s)
{
    size_t n = strlen(s);
    if (b->len + n <= sizeof(b->text) - 1) {
        memcpy(b->text + b->len, s, n);
        b->len += n;
        b->text[b->len] = '\0';
    }
}

static void puts_(line_buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* The length of the well-formed UTF-8 sequence at s, or 0 when it is not one. */
static size_t utf8_length(const unsigned char *s)
{
    size_t n = s[0] < 0x80                    ? 1
               : s[0] >= 0xC2 && s[0] <= 0xDF ? 2
               : s[0] >= 0xE0 && s[0] <= 0xEF ? 3
               : s[0] >= 0xF0 && s[0] <= 0xF4 ? 4
                                              : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

/* A JSON string: quotes, backslashes and control characters escaped, bytes
 * that are not UTF-8 (a path or a plugin's message may hold them) replaced
 * by U+FFFD; cut at a whole character when the line is full. */
static void put_json_string(line_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    char esc[8];

    put(b, "\"", 1);
    while (*p != '\0' && !b->cut) {
        size_t n = utf8_length(p);
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
            put(b, esc, 2);
        } else if (*p < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", *p);
            puts_(b, esc);
        } else if (n == 0) {
            puts_(b, "\\ufffd");
            n = 1;
        } else {
            put(b, (const char *)p, n);
        }
        p += n > 0 ? n : 1;
    }
    put_close(b, "\"");
}

/* A logfmt value: bare when it is a plain ASCII token, else quoted like JSON. */
static void put_logfmt_value(line_buf *b, const char *s)
{
    int bare = s[0] != '\0';
    for (const char *p = s; *p != '\0' && bare; p++)
        bare = (unsigned char)*p > ' ' && (unsigned char)*p < 0x7f && *p != '"' && *p != '=' &&
               *p != '\\';
    if (bare)
        puts_(b, s);
    else
        put_json_string(b, s);
}

static void put_pair(line_buf *b, const char *key, const char *value, int first)
{
    /* After a cut, a further field would land past the cut value. */
    if (b->cut)
        return;
    if (b->format == PV_LOG_JSON) {
        /* The key (short, plain ASCII) and the value's opening quote go in
         * whole or not at all: a line cut between them would not parse. */
        if (!fits(b, strlen(key) + 8)) {
            b->cut = 1;
            return;
        }
        put(b, first ? "{" : ",", 1);
        put_json_string(b, key);
        put(b, ":", 1);
        put_json_string(b, value);
    } else {
        if (!first)
            put(b, " ", 1);
        puts_(b, key);
        put(b, "=", 1);
        put_logfmt_value(b, value);
    }
}

static void emit(const char *stream, const line_buf *b)
{
    /* One fprintf per line: stdio locks the stream, so lines from threads do not interleave. */
    if (strcmp(stream, "audit") == 0) {
        pthread_mutex_lock(&audit_lock);
        fprintf(audit_out != NULL ? audit_out : stderr, "%s\n", b->text);
        pthread_mutex_unlock(&audit_lock);
        return;
    }
    fprintf(stderr, "%s\n", b->text);
}

/* The event's time, UTC with exactly three decimals so that lines sort and
 * align as text (timeutil's RFC 3339 form drops trailing zeros). */
static void format_now(char out[64])
{
    struct timespec now;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
}

static void write_event(pivot_log_level level, const char *origin, const char *stream,
                        const char *message, const pv_log_field *fields, size_t nfields)
{
    char at[64];
    line_buf b = {.len = 0, .cut = 0, .format = current_format()};

    b.text[0] = '\0';
    origin = origin != NULL ? origin : "pivotd";
    stream = stream != NULL ? stream : "log";
    if (b.format == PV_LOG_TEXT) {
        puts_(&b, origin);
        puts_(&b, ": ");
        puts_(&b, level_name(level));
        puts_(&b, ": ");
        /* The access stream is marked, as the audit lines mark themselves. */
        if (strcmp(stream, "access") == 0)
            puts_(&b, "access: ");
        puts_(&b, message);
        for (size_t i = 0; i < nfields; i++) {
            if (fields[i].value != NULL)
                put_pair(&b, fields[i].key, fields[i].value, 0);
        }
        emit(stream, &b);
        return;
    }
    format_now(at);
    put_pair(&b, "time", at, 1);
    put_pair(&b, "level", level_name(level), 0);
    put_pair(&b, "origin", origin, 0);
    put_pair(&b, "stream", stream, 0);
    put_pair(&b, "msg", message, 0);
    for (size_t i = 0; i < nfields; i++) {
        if (fields[i].value != NULL)
            put_pair(&b, fields[i].key, fields[i].value, 0);
    }
    if (context_job[0] != '\0')
        put_pair(&b, "job_id", context_job, 0);
    if (b.format == PV_LOG_JSON)
        put_close(&b, "}");
    emit(stream, &b);
}

void pv_log_event(pivot_log_level level, const char *origin, const char *stream,
                  const char *message, const pv_log_field *fields, size_t nfields)
{
    if (level <= current_level())
        write_event(level, origin, stream, message, fields, nfields);
}

void pv_log_listening(const char *url)
{
    char message[512];
    pv_log_field field = {"url", url};

    snprintf(message, sizeof(message), "listening on %s", url);
    /* In text the line keeps the form scripts have always waited for. */
    if (current_format() == PV_LOG_TEXT)
        fprintf(stderr, "pivotd: %s\n", message);
    else
        write_event(PIVOT_LOG_INFO, "pivotd", "log", message, &field, 1);
}

void pv_log(pivot_log_level level, const char *origin, const char *fmt, ...)
{
    char message[2048];
    va_list ap;

    if (level > current_level())
        return;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    pv_log_event(level, origin, "log", message, NULL, 0);
}

void pv_log_audit(pivot_log_level level, const char *event, const char *peer,
                  const char *credential, const char *fmt, ...)
{
    char at[PV_TIME_TEXT_SIZE], what[1024], message[2048];
    va_list ap;

    if (level > current_level())
        return;
    peer = peer != NULL && peer[0] != '\0' ? peer : "?";
    credential = credential != NULL && credential[0] != '\0' ? credential : "-";
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    if (current_format() == PV_LOG_TEXT) {
        /* Whole seconds are enough for an audit trail and easier to grep. */
        pv_time_format_ms(pv_time_now_ms() / 1000 * 1000, at);
        snprintf(message, sizeof(message), "audit: %s %s from %s key %s: %s", at, event, peer,
                 credential, what);
        pv_log_event(level, "pivotd", "audit", message, NULL, 0);
        return;
    }
    pv_log_field fields[] = {{"event", event}, {"peer", peer}, {"key", credential}};
    pv_log_event(level, "pivotd", "audit", what, fields, sizeof(fields) / sizeof(fields[0]));
}
