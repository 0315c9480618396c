/*
 * Small MATLAB values built for libmatio (each owning its data, freed with
 * Mat_VarFree or by the struct or cell holding it), and libmatio's messages.
 */
#ifndef PIVOT_MATLAB_MAT_VALUES_H
#define PIVOT_MATLAB_MAT_VALUES_H

#include <matio.h>
#include <stddef.h>
#include <stdint.h>

/** A 1xN char array of the UTF-8 text (0x0 when empty), or NULL when out of memory. */
matvar_t *mx_char(const char *text);
/** An Nx1 cell of char arrays of the texts, or NULL when out of memory. */
matvar_t *mx_char_cell(const char *const *texts, size_t n);
/** A 1x1 int64. */
matvar_t *mx_int64(int64_t v);
/** A 1x1 double. */
matvar_t *mx_double(double v);

/**
 * A struct (1x1) named `name` with the fields given, which it owns from
 * then on (also when this fails: they are freed). NULL when out of memory.
 */
matvar_t *mx_struct(const char *name, const char *const *field_names, matvar_t **fields,
                    size_t nfields);

/** Routes libmatio's log to the host's; called once from init. */
void mx_log_init(void);
/** libmatio's last error or warning in this thread, "" when none. */
const char *mx_last_message(void);
void mx_clear_message(void);

#endif
