/* The syscall table and the small syscalls that belong to no subsystem. */
#include "syscall.h"
#include "cpu.h"
#include "dma.h"
#include "frame.h"
#include "frames.h"
#include "futex.h"
#include "info.h"
#include "ipc.h"
#include "irq.h"
#include "pipe.h"
#include <platform/platform.h>
#include "sched.h"
#include "space.h"
#include "sys_info.h"
#include "thread.h"
#include "uintr.h"
#include <chime/errno.h>
#include <chime/syscall.h>

long sys_clock_get(struct trapframe *tf)
{
    return (long)platform_ticks_to_ns(platform_time_now() - info_page->boot_time);
}

static long sys_clock_set_realtime(struct trapframe *tf)
{
    if (!current_thread()->space->root_task)
        return CHIME_EPERM;
    __atomic_store_n(&info_page->realtime_base, tf->a0 - (uint64_t)sys_clock_get(tf),
                     __ATOMIC_RELAXED);
    return 0;
}

static long sys_debug_write(struct trapframe *tf)
{
    uint64_t src = tf->a0, len = tf->a1;
    char buf[256];
    if (!user_range_ok(src, len))
        return CHIME_EFAULT;
    for (uint64_t done = 0; done < len;) {
        uint64_t n = MIN(len - done, sizeof(buf));
        if (copy_from_user(buf, src + done, n) < 0)
            return done ? (long)done : CHIME_EFAULT;
        console_write(buf, n);
        done += n;
    }
    return (long)len;
}

static long sys_mem_stats(struct trapframe *tf)
{
    tf->a1 = kernel_frames.nframes;
    return (long)kernel_frames.nfree;
}

static long sys_poweroff(struct trapframe *tf)
{
    struct space *s = current_thread()->space;
    if (!s->root_task)
        return CHIME_EPERM;
    kprintf("chime: power off, status %d\n", (int)tf->a0);
    platform_poweroff((int)tf->a0);
}

static long sys_handle_close(struct trapframe *tf)
{
    return handle_close(&current_thread()->space->handles, (int64_t)tf->a0);
}

static long sys_handle_dup(struct trapframe *tf)
{
    struct space *me = current_thread()->space;
    int err;
    struct kobj *o = handle_lookup(&me->handles, (int64_t)tf->a0, 0, 0, &err);
    if (!o)
        return err;
    if (o->type == CHIME_OBJ_CONN)
        return CHIME_EPERM; /* one handle per connection end (kernel/ipc.h) */
    return space_handle_install(me, o,
                                handle_rights(&me->handles, (int64_t)tf->a0) & (uint32_t)tf->a1);
}

static long sys_handle_info(struct trapframe *tf)
{
    int err;
    struct kobj *o = handle_lookup(&current_thread()->space->handles, (int64_t)tf->a0, 0, 0, &err);
    if (!o)
        return err;
    tf->a1 = o->type == CHIME_OBJ_FRAMES ? container_of(o, struct frames, obj)->size : 0;
    return o->type;
}

const syscall_fn syscall_table[SYS_COUNT] = {
    /* SYS_NULL, SYS_CLOCK_GET and SYS_HART_SELF never get here:
     * kernel_syscall answers them without the kernel lock (entry.h). */
    [SYS_DEBUG_WRITE] = sys_debug_write,
    [SYS_MEM_STATS] = sys_mem_stats,
    [SYS_POWEROFF] = sys_poweroff,
    [SYS_FUTEX_WAIT] = sys_futex_wait,
    [SYS_FUTEX_WAKE] = sys_futex_wake,
    [SYS_THREAD_STATS] = sys_thread_stats,
    [SYS_THREAD_CREATE] = sys_thread_create,
    [SYS_THREAD_EXIT] = sys_thread_exit,
    [SYS_YIELD] = sys_yield,
    [SYS_SLEEP] = sys_sleep,
    [SYS_THREAD_PRIORITY] = sys_thread_priority,
    [SYS_THREAD_AFFINITY] = sys_thread_affinity,
    [SYS_THREAD_ID] = sys_thread_id,
    [SYS_SPACE_PRIO_CEILING] = sys_space_prio_ceiling,
    [SYS_SPACE_CREATE] = sys_space_create,
    [SYS_SPACE_MAP_ANON] = sys_space_map_anon,
    [SYS_SPACE_MAP_FRAMES] = sys_space_map_frames,
    [SYS_SPACE_UNMAP] = sys_space_unmap,
    [SYS_SPACE_PROTECT] = sys_space_protect,
    [SYS_SPACE_WRITE] = sys_space_write,
    [SYS_SPACE_GRANT] = sys_space_grant,
    [SYS_SPACE_WAIT] = sys_space_wait,
    [SYS_SPACE_KILL] = sys_space_kill,
    [SYS_EXIT] = sys_exit,
    [SYS_HANDLE_CLOSE] = sys_handle_close,
    [SYS_HANDLE_DUP] = sys_handle_dup,
    [SYS_HANDLE_INFO] = sys_handle_info,
    [SYS_UINTR_REGISTER_HANDLER] = sys_uintr_register_handler,
    [SYS_UINTR_UNREGISTER_HANDLER] = sys_uintr_unregister_handler,
    [SYS_UINTR_VECTOR_CREATE] = sys_uintr_vector_create,
    [SYS_UINTR_REGISTER_SENDER] = sys_uintr_register_sender,
    [SYS_UINTR_UNREGISTER_SENDER] = sys_uintr_unregister_sender,
    [SYS_UIPI_SEND] = sys_uipi_send,
    [SYS_UINTR_WAIT] = sys_uintr_wait,
    [SYS_UINTR_SEND_WAIT] = sys_uintr_send_wait,
    [SYS_URET] = sys_uret,
    [SYS_IRQ_BIND] = sys_irq_bind,
    [SYS_IRQ_ACK] = sys_irq_ack,
    [SYS_IPC_SERVE] = sys_ipc_serve,
    [SYS_IPC_CONNECT] = sys_ipc_connect,
    [SYS_IPC_DISCONNECT] = sys_ipc_disconnect,
    [SYS_IPC_LEND] = sys_ipc_lend,
    [SYS_IPC_UNLEND] = sys_ipc_unlend,
    [SYS_IPC_CONN_STATE] = sys_ipc_conn_state,
    [SYS_DMA_GRANT] = sys_dma_grant,
    [SYS_DMA_ALLOC] = sys_dma_alloc,
    [SYS_DMA_PHYS] = sys_dma_phys,
    [SYS_DMA_RELEASE] = sys_dma_release,
    [SYS_PIPE_CREATE] = sys_pipe_create,
    [SYS_PIPE_MAP] = sys_pipe_map,
    [SYS_PIPE_UNMAP] = sys_pipe_unmap,
    [SYS_PIPE_WATCH] = sys_pipe_watch,
    [SYS_PIPE_NOTIFY] = sys_pipe_notify,
    [SYS_SYSINFO] = sys_sysinfo,
    [SYS_REBOOT] = sys_reboot,
    [SYS_CLOCK_SET_REALTIME] = sys_clock_set_realtime,
};

void syscall_locked(struct trapframe *tf)
{
    if (likely(!current_thread()->dying))
        tf->a0 = (uint64_t)syscall_dispatch(tf->a7, tf);
    sched_return();
}
