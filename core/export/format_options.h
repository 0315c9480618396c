/*
 * options.format_options: the settings of the job's format that a caller
 * may choose per job. The core checks the shape (an object of strings,
 * numbers and booleans) and hands each member to the format's exporter to
 * judge (pivot_exporter.check_option); the accepted members travel in the
 * job spec as text and reach the exporter in pivot_export_info. Also the
 * kind of file a job makes, which a format may choose per job.
 */
#ifndef PV_FORMAT_OPTIONS_H
#define PV_FORMAT_OPTIONS_H

#include "problem.h"

#include <pivot/exporter.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

/**
 * Checks options.format_options (v; NULL or JSON null: none) for exporter
 * e. Returns 0, or -1 with *pb filled: 400 invalid-field naming the member
 * and its value, with what the exporter says it may be.
 */
int pv_format_options_check(const pivot_exporter *e, const char *format, yajl_val v,
                            pv_problem *pb);

/** Writes v's members as "format_options": {name: text, ...} into the spec, when it has any. */
void pv_format_options_gen(yajl_gen g, yajl_val v);

/**
 * Reads the spec's "format_options" (NULL: none) into a calloc'ed array of
 * *n options pointing into v (*out NULL when none). Returns 0, or -1 when
 * the member is malformed or memory runs out.
 */
int pv_format_options_read(yajl_val v, pivot_format_option **out, size_t *n);

/** The kind of file a job's export makes: its extension and media type. */
typedef struct pv_export_file {
    const char *extension;  /**< with the dot; "" when the exporter names none */
    const char *media_type; /**< NULL when the exporter names none */
} pv_export_file;

/**
 * The kind of file exporter e writes for the job described by info: its main type, or the one of
 * its other_types its file_type callback picks (an answer outside that list counts as the main
 * type).
 */
pv_export_file pv_export_file_type(const pivot_exporter *e, const pivot_export_info *info);

#endif
