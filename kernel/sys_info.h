/* System information for ps, servers and ipcstat (SYS_SYSINFO, the
 * records: include/chime/sysinfo.h), and SYS_REBOOT. */
#ifndef KERNEL_SYS_INFO_H
#define KERNEL_SYS_INFO_H

#include <platform/trapframe.h>

struct space;

/* space_create: list s among every process and note its creator. */
void sysinfo_space_add(struct space *s);
/* space_destroy: s leaves the list (its last reference is gone). */
void sysinfo_space_remove(struct space *s);

long sys_sysinfo(struct trapframe *tf);
long sys_reboot(struct trapframe *tf);

#endif
