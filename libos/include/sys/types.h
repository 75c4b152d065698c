/* libos: picolibc's <sys/types.h> plus the pthread types POSIX puts here. */
#ifndef LIBOS_SYS_TYPES_H
#define LIBOS_SYS_TYPES_H

#include_next <sys/types.h>
#include <sys/_pthreadtypes.h>

#endif
