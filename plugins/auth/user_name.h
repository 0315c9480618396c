/* The user names both backends accept: safe in logs, paths and SQL text. */
#ifndef AUTH_USER_NAME_H
#define AUTH_USER_NAME_H

#include <stddef.h>

#define AK_USER_MAX_LEN 64

/** True when the len bytes at name are 1 to AK_USER_MAX_LEN of [A-Za-z0-9._@+-]. */
int ak_user_valid(const char *name, size_t len);

#endif
