/*
 * The conditional and range headers of a result download, put in the form
 * h2o's file handler serves safely: ranges merged and capped, If-Range and
 * If-None-Match: * honoured, other range units ignored.
 */
#ifndef PV_DOWNLOAD_RANGE_H
#define PV_DOWNLOAD_RANGE_H

#include <h2o.h>

/** The most ranges one Range header may list; beyond it the whole file is sent. */
#define PV_MAX_RANGES 16

/**
 * Rewrites the Range, If-Range and If-None-Match headers of req, a GET or
 * HEAD of the file at path, for the file handler that serves it next.
 * Returns 0 when the file handler should answer, or answers req itself
 * (416 when no range lies inside the file) and returns 1.
 */
int pv_download_prepare(h2o_req_t *req, const char *path);

#endif
