/*
 * "Did you mean" for names a request got wrong (channels, signals,
 * presets): the known names nearest to the one given by edit distance,
 * ignoring case, so that "ch0001" and "CH000" point at "ch001" and "ch000".
 */
#ifndef PV_SUGGEST_H
#define PV_SUGGEST_H

#include <stddef.h>

/** At most this many suggestions per name (all at the smallest distance). */
#define PV_SUGGEST_MAX 3
#define PV_SUGGEST_NAME_SIZE 128

/** The nearest names offered so far to one wrong name. */
typedef struct pv_suggest {
    char query[PV_SUGGEST_NAME_SIZE];
    size_t limit; /**< farthest distance still worth suggesting */
    size_t best;  /**< distance of the names kept */
    size_t n;
    char names[PV_SUGGEST_MAX][PV_SUGGEST_NAME_SIZE];
} pv_suggest;

/**
 * Levenshtein distance of a and b with ASCII letters compared without case;
 * stops counting past cap (returns cap + 1). Names longer than
 * PV_SUGGEST_NAME_SIZE - 1 bytes are compared on that prefix.
 */
size_t pv_edit_distance_ci(const char *a, const char *b, size_t cap);

/** Starts the search for names near query. */
void pv_suggest_init(pv_suggest *s, const char *query);

/** Offers a known name; kept when it is among the nearest within the limit. */
void pv_suggest_offer(pv_suggest *s, const char *candidate);

/**
 * Writes " (did you mean \"a\"?)" or " (did you mean \"a\" or \"b\"?)" into
 * out, or "" when nothing is near enough.
 */
void pv_suggest_text(const pv_suggest *s, char *out, size_t len);

#endif
