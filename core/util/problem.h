/*
 * RFC 9457 problem details: what went wrong with a request, which field,
 * and what to do about it. Built by validation, sent by http_reply.
 */
#ifndef PV_PROBLEM_H
#define PV_PROBLEM_H

#include <stddef.h>

/** A problem to report. `type` is a slug, sent as "/api/v1/problems/<slug>". */
typedef struct pv_problem {
    int status;        /**< HTTP status */
    const char *type;  /**< slug, e.g. "invalid-field" (static string) */
    const char *title; /**< short, fixed summary of the type (static string) */
    char field[400];   /**< offending field ("time_range.start"), or empty */
    char detail[1024]; /**< what is wrong and what to send instead */
} pv_problem;

/** Fills p; the detail is printf-formatted. Always returns -1 for `return pv_problem_set(...)`. */
int pv_problem_set(pv_problem *p, int status, const char *type, const char *title,
                   const char *field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/** Copies user-supplied text into out for quoting in a message: truncated, control chars escaped.
 */
void pv_problem_quote(const char *text, char *out, size_t outlen);

#endif
