/* Job ids (core/export/job.c): 22 base64url characters, never starting with
 * "-" or "_", so that an id is never read as a command-line option. */
#include "check.h"
#include "job.h"

#include <string.h>

#define IDS 20000

int main(void)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    int first[256] = {0}, firsts = 0, bad_first = 0, bad_char = 0, bad_len = 0;
    char id[PV_JOB_ID_SIZE];

    for (int i = 0; i < IDS; i++) {
        CHECK_INT_EQ(pv_job_new_id(id), 0);
        bad_len += strlen(id) != PV_JOB_ID_LEN;
        bad_char += strspn(id, alphabet) != strlen(id);
        bad_first += id[0] == '-' || id[0] == '_';
        firsts += first[(unsigned char)id[0]]++ == 0;
    }
    CHECK_INT_EQ(bad_len, 0);
    CHECK_INT_EQ(bad_char, 0);
    CHECK_INT_EQ(bad_first, 0);
    /* Every letter and digit starts some id of 20000 (each misses with
     * probability (61/62)^20000). */
    CHECK_INT_EQ(firsts, 62);
    return check_report();
}
