/*
 * MATLAB names for channels and signals: a variable or field name must
 * start with a letter, hold only letters, digits and underscores, and be at
 * most 63 characters (namelengthmax). Other characters become '_', a name
 * not starting with a letter gets an "x" in front, and a name already taken
 * gets "_2", "_3"... (docs/api.md states the rule).
 */
#ifndef PIVOT_MATLAB_NAMES_H
#define PIVOT_MATLAB_NAMES_H

#include <stddef.h>

/** MATLAB's longest name. */
#define MX_NAME_MAX 63

/** A set of names taken in one scope (the file's variables, a struct's fields). */
typedef struct mx_names {
    char **names;
    size_t count;
} mx_names;

/**
 * The MATLAB name for `source` (+ `suffix`, which may be NULL) not yet in
 * `taken`, added to it; a new string owned by `taken`, NULL when out of
 * memory.
 */
const char *mx_names_claim(mx_names *taken, const char *source, const char *suffix);
/** Adds a name exactly as given (reserved names); 0 or PIVOT_ENOMEM. */
int mx_names_reserve(mx_names *taken, const char *name);
void mx_names_free(mx_names *taken);

#endif
