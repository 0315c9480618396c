/*
 * Telling the service manager (systemd, Type=notify) how pivotd is doing,
 * through sd_notify(3): ready once the listeners accept, reloading, stopping,
 * and the watchdog's keep-alive. Without NOTIFY_SOCKET in the environment
 * (not started by systemd) every call does nothing.
 */
#ifndef PV_SERVICE_MANAGER_H
#define PV_SERVICE_MANAGER_H

#include <stdint.h>

/** READY=1 with a STATUS line saying where pivotd listens. */
void pv_service_ready(const char *url);

/** RELOADING=1: a SIGHUP is being applied; pv_service_ready follows. */
void pv_service_reloading(void);

/** STOPPING=1: the server is shutting down. */
void pv_service_stopping(void);

/**
 * The watchdog interval systemd asks for (WatchdogSec), in microseconds, or 0
 * when there is none. Keep-alives are due at least every half of it.
 */
uint64_t pv_service_watchdog_usec(void);

/** WATCHDOG=1: pivotd is alive (its HTTP loops answered their probe). */
void pv_service_watchdog_alive(void);

#endif
