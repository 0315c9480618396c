#include "units.h"

#include <stdio.h>

void pv_human_bytes(int64_t n, char out[PV_HUMAN_BYTES_SIZE])
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double v = (double)n;
    int u = -1;

    if (n < 1024) {
        snprintf(out, PV_HUMAN_BYTES_SIZE, "%lld byte%s", (long long)n, n == 1 ? "" : "s");
        return;
    }
    /* Rounding to one decimal may reach 1024.0: go up a unit instead. */
    while ((v >= 1024.0 || (u >= 0 && v >= 1023.95)) && u < 5) {
        v /= 1024.0;
        u++;
    }
    snprintf(out, PV_HUMAN_BYTES_SIZE, "%.1f %s", v, units[u]);
}
