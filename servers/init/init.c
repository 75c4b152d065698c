/* init: the root task. The kernel starts it with argv = {"init", words of
 * the kernel command line...} and the boot handles of layout.h.
 *
 *   (no words)          start hello once per hart, pinned there, wait for
 *                       all, print a summary, then idle
 *   PROG ARGS...        run PROG with ARGS, wait, report its status; PROG
 *                       gets the machine's devices (see delegate_devices)
 *   poweroff ...        as above, then power the machine off: QEMU exits
 *                       with the program's status (system tests use this)
 *
 * A process the kernel killed has status CHIME_STATUS_FAULT (139) or
 * CHIME_STATUS_KILLED (137), shell style, and powers off with that. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libos/libos.h>
#include <libos/spawn.h>
#include <libos/syscall.h>

#include "virtio_probe.h"

static int poweroff_mode;

static const struct chime_boot_info *boot_info(void)
{
    const struct chime_boot_info *bi = (const struct chime_boot_info *)CHIME_BOOTINFO_VA;

    return bi->magic == CHIME_BOOTINFO_MAGIC ? bi : NULL;
}

static const char *status_note(long raw)
{
    if (raw == CHIME_STATUS_FAULT)
        return " (killed: fault)";
    if (raw == CHIME_STATUS_KILLED)
        return " (killed)";
    return "";
}

static void finish(int code)
{
    fflush(stdout);
    if (poweroff_mode)
        syscall1(SYS_POWEROFF, code);
    printf("init: done; the system idles (quit QEMU with Ctrl-A X)\n");
    fflush(stdout);
    for (;;)
        syscall1(SYS_SLEEP, 1000000000);
}

/* The program named on the command line is the machine's payload (a test,
 * a single-purpose image): init delegates every device to it. For device i
 * of the boot info it gets CHIME_DEV<i>=<compatible> and the handles it
 * received in CHIME_DEV<i>_MMIO and CHIME_DEV<i>_IRQ (chime_device_find).
 * Programs init starts by default (hello) get none. */
static void delegate_devices(posix_spawnattr_t *attr, char **env, char *strings, size_t room)
{
    const struct chime_boot_info *bi = boot_info();
    int n = 0;

    for (uint32_t i = 0; bi != NULL && i < bi->ndevices && room > 64; i++) {
        const struct chime_boot_device *d = &bi->device[i];
        char name[32];
        int len = snprintf(strings, room, "CHIME_DEV%u=%s", i, d->compatible);

        env[n++] = strings;
        strings += len + 1;
        room -= (size_t)len + 1;
        if (d->mmio_handle >= 0) {
            snprintf(name, sizeof(name), "CHIME_DEV%u_MMIO", i);
            chime_spawnattr_grant(attr, d->mmio_handle, CHIME_R_READ | CHIME_R_WRITE, name);
        }
        if (d->irq_handle >= 0) {
            snprintf(name, sizeof(name), "CHIME_DEV%u_IRQ", i);
            chime_spawnattr_grant(attr, d->irq_handle, CHIME_R_MANAGE, name);
        }
    }
    env[n] = NULL;
}

/* Run argv[0] with argv, wait, report; returns the code to power off with. */
static int run_program(char **argv)
{
    pid_t pid;
    long raw;
    posix_spawnattr_t attr;
    static char *env[20];
    static char strings[1024];

    if (posix_spawnattr_init(&attr) != 0)
        return 127;
    delegate_devices(&attr, env, strings, sizeof(strings));
    /* The payload is trusted with the devices, and with every priority:
     * the ceilings below it are its to set. */
    chime_spawnattr_setprioceiling(&attr, CHIME_PRIO_MAX);
    int err = posix_spawn(&pid, argv[0], NULL, &attr, argv, env);
    posix_spawnattr_destroy(&attr);

    if (err != 0) {
        printf("init: cannot start %s: %s\n", argv[0], strerror(err));
        return 127;
    }
    raw = chime_wait(pid, CHIME_FOREVER);
    if (raw < 0) {
        printf("init: waiting for %s failed: %s\n", argv[0], strerror(libos_errno(raw)));
        return 126;
    }
    printf("init: %s exited with status %ld%s\n", argv[0], raw, status_note(raw));
    return (int)(raw & 0xff);
}

/* The default: hello once per hart, each pinned to its hart (with the
 * default priority ceiling: they need no more). */
static int run_hellos(void)
{
    int nharts = libos_nharts(), started = 0, ok = 0;
    pid_t pids[CHIME_MAX_HARTS];
    posix_spawnattr_t attr;

    if (posix_spawnattr_init(&attr) != 0)
        return 1;
    for (int h = 0; h < nharts && h < CHIME_MAX_HARTS; h++) {
        char name[16];
        char *argv[] = {"hello", name, NULL};

        snprintf(name, sizeof(name), "hart-%d", h);
        chime_spawnattr_setaffinity(&attr, 1ull << h);
        int err = posix_spawn(&pids[started], "hello", NULL, &attr, argv, NULL);
        if (err != 0)
            printf("init: cannot start hello on hart %d: %s\n", h, strerror(err));
        else
            started++;
    }
    posix_spawnattr_destroy(&attr);
    for (int i = 0; i < started; i++) {
        long raw = chime_wait(pids[i], CHIME_FOREVER);
        if (raw == 0)
            ok++;
        else
            printf("init: a hello exited with status %ld%s\n", raw, status_note(raw));
    }
    printf("init: hello ran on %d of %d harts, %d exited with status 0\n", started, nharts, ok);
    return ok == nharts ? 0 : 1;
}

int main(int argc, char **argv)
{
    const struct chime_boot_info *bi = boot_info();
    int first = 1;

    printf("init: Chime root task, %d hart%s, boot archive %lu bytes, command line \"%s\"\n",
           libos_nharts(), libos_nharts() == 1 ? "" : "s",
           bi != NULL ? (unsigned long)bi->archive_size : 0ul, bi != NULL ? bi->cmdline : "?");
    if (argc > 1 && strcmp(argv[1], "poweroff") == 0) {
        poweroff_mode = 1;
        first = 2;
    }
    if (first < argc) {
        pid_t blk;

        start_blk(bi, &blk);
        finish(run_program(&argv[first]));
    }
    finish(run_hellos());
    return 0;
}
