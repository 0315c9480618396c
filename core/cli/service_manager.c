#include "service_manager.h"

#include "log.h"

#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

/* sd_notify returns 0 when NOTIFY_SOCKET is unset: nothing to do, no
 * message. A failure to reach a socket that is set is worth a warning. */
static void notify(const char *state)
{
    int rc = sd_notify(0, state);
    if (rc < 0)
        pv_log(PIVOT_LOG_WARNING, "pivotd", "telling the service manager \"%s\" failed: %s", state,
               strerror(-rc));
}

void pv_service_ready(const char *url)
{
    char state[400];

    snprintf(state, sizeof(state), "READY=1\nSTATUS=listening on %s\nMAINPID=%ld", url,
             (long)getpid());
    notify(state);
}

void pv_service_reloading(void)
{
    notify("RELOADING=1\nSTATUS=reloading");
}

void pv_service_stopping(void)
{
    notify("STOPPING=1\nSTATUS=stopping");
}

uint64_t pv_service_watchdog_usec(void)
{
    uint64_t usec = 0;

    /* unset_environment 0: the variables stay for later calls; workers
     * inherit them but never notify (NotifyAccess=main ignores them anyway). */
    if (sd_watchdog_enabled(0, &usec) <= 0)
        return 0;
    return usec;
}

void pv_service_watchdog_alive(void)
{
    notify("WATCHDOG=1");
}
