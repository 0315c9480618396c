#include "user_name.h"

int ak_user_valid(const char *name, size_t len)
{
    if (name == NULL || len == 0 || len > AK_USER_MAX_LEN)
        return 0;
    for (size_t n = 0; n < len; n++) {
        char c = name[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '+' || c == '-'))
            return 0;
    }
    return 1;
}
