/*
 * Messages that reach clients (a job's `error`) come partly from plugins,
 * which may quote what their libraries say: file paths of the server,
 * buffer addresses, several lines. The log keeps such a message whole; the
 * client gets it cut to what is theirs to know.
 */
#ifndef PV_CLIENT_TEXT_H
#define PV_CLIENT_TEXT_H

#include <stddef.h>

/**
 * Writes into out the first line of text, with every path cut to its last
 * component ("/srv/pivot/results/x.h5.part" -> "x.h5.part") and every
 * hexadecimal address ("0x7f3a...") written "(address)".
 */
void pv_client_text(const char *text, char *out, size_t len);

#endif
