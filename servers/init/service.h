/* init's service for other programs (service.c, proto/init.h). */
#ifndef INIT_SERVICE_H
#define INIT_SERVICE_H

/* Serve INIT_SERVICE on a new thread; stop(status) ends the machine,
 * restart() reboots it. Returns 0 or an errno value. */
int init_service_start(void (*stop)(int status), void (*restart)(void));

#endif
