/* Lengths of time as settings and command-line options write them. */
#ifndef PV_DURATION_H
#define PV_DURATION_H

#include <stddef.h>
#include <stdint.h>

/** The accepted forms, for messages and help texts. */
#define PV_DURATION_FORMS                                                                          \
    "seconds (600), a number followed by s, m, h, d or w (90s, 15m, 12h, 7d, 2w), "                \
    "or an ISO 8601 duration (PT10M, P1DT12H)"

/** The accepted forms where milliseconds count (pv_duration_parse_ms). */
#define PV_DURATION_MS_FORMS                                                                       \
    "seconds (600), a number followed by ms, s, m, h, d or w (250ms, 90s, 15m, 12h), "             \
    "or an ISO 8601 duration (PT0.25S, PT10M)"

/**
 * Parses a duration of a setting or an option into whole seconds. The forms:
 *
 * - a bare whole number of seconds, "600" (0 included, for "no limit");
 * - the short form, a whole number and one unit: ms, s, m, h, d or w (a
 *   week of 7 days), "90s", "15m", "12h", "7d", "2w" ("2000ms" must come to
 *   whole seconds here);
 * - an ISO 8601 duration as the API accepts it (pivot_iso_duration_parse),
 *   "PT10M", "P1DT12H", "PT1.5H", which must come to whole seconds.
 *
 * Durations here are lengths of time, so no form takes a sign: "-2d" is
 * refused. The short forms are for people typing a setting or an option; the
 * API takes ISO 8601 only.
 *
 * Returns 0; PIVOT_EINVAL when text is in none of the forms; PIVOT_ERANGE
 * when it is a number of seconds beyond int64. why gets a message that
 * quotes text and says what to send (the caller prefixes the setting's or
 * option's name).
 */
int pv_duration_parse(const char *text, int64_t *seconds, char *why, size_t whylen);

/**
 * The same grammar into whole milliseconds, for settings that may be below
 * a second ("250ms", "PT0.25S"; a bare number is still seconds, "2" is
 * 2000). Returns and messages as pv_duration_parse.
 */
int pv_duration_parse_ms(const char *text, int64_t *ms, char *why, size_t whylen);

#endif
