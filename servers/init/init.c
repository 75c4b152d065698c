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
 * Before any of that, init starts the boot servers of boot_servers[]
 * (console first), each with the devices its row names. Programs it runs
 * afterwards have stdin, stdout and stderr on the console (libos connects
 * fds 0-2 to it). Before powering off, init drains the console, so every
 * line printed is out of the UART when the machine stops.
 *
 * A process the kernel killed has status CHIME_STATUS_FAULT (139) or
 * CHIME_STATUS_KILLED (137), shell style, and powers off with that. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <chime/proto/console.h>
#include <chime/proto/fs.h>
#include <chime/proto/init.h>

#include <libos/ipc.h>
#include <libos/libos.h>
#include <libos/spawn.h>
#include <libos/syscall.h>

#include "service.h"
#include "virtio_probe.h"
#include "wallclock.h"

static int poweroff_mode;
static int file_system_up; /* fs is serving: sync before poweroff */

/* ---- boot servers --------------------------------------------------------- */

#define BOOT_SERVER_DEVICES 8

/* One boot server: a row per server, started in table order. */
struct boot_server {
    const char *name;    /* program in the boot archive */
    const char *service; /* name it publishes; init waits for it (NULL: no wait) */
    /* DTB compatible strings of the devices it gets, each the MMIO frames
     * (with mmio_rights) and the IRQ line of one device not given yet
     * (list a string k times for k devices of that kind). */
    const char *devices[BOOT_SERVER_DEVICES];
    uint32_t mmio_rights;
    int required; /* the program is not run when a required server fails */
};

static const struct boot_server boot_servers[] = {
    {"console", CONSOLE_SERVICE, {"ns16550a"}, CHIME_R_READ | CHIME_R_WRITE, 1},
};

#define NSERVERS         (sizeof(boot_servers) / sizeof(boot_servers[0]))
#define SERVER_WAIT_NS   5000000000ull /* for its service name to appear */
#define MAX_BOOT_DEVICES 16

/* Boot-info devices a server was given: the program does not get them. */
static int device_taken[MAX_BOOT_DEVICES];
static int required_failed;

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

/* Output written so far leaves the UART before we go on (poweroff). */
static void console_drain(void)
{
    fflush(stdout);
    tcdrain(STDOUT_FILENO);
}

/* Before the machine stops or idles: what programs wrote is on the disk
 * (the fs server writes back its cache and flushes blk; only init's main
 * thread owns its fs connection), and the console has sent every byte. */
static void shutdown_prepare(int sync_disk)
{
    if (sync_disk && file_system_up)
        sync();
    console_drain();
}

/* Stop the machine: QEMU exits with code. */
static void power_off(int code)
{
    shutdown_prepare(1);
    syscall1(SYS_POWEROFF, code);
}

/* INIT_OP_POWEROFF, on init's service thread. The fs connection belongs
 * to the main thread (libos/fs_client.h), so this thread cannot sync: the
 * poweroff program syncs before it asks. */
static void power_off_requested(int code)
{
    shutdown_prepare(0);
    syscall1(SYS_POWEROFF, code);
}

/* INIT_OP_REBOOT, on the service thread: as power_off_requested. */
static void reboot_requested(void)
{
    shutdown_prepare(0);
    syscall0(SYS_REBOOT);
}

static void finish(int code)
{
    if (poweroff_mode)
        power_off(code);
    shutdown_prepare(1);
    printf("init: done; the system idles (quit QEMU with Ctrl-A X)\n");
    fflush(stdout);
    for (;;)
        syscall1(SYS_SLEEP, 1000000000);
}

/* The program named on the command line is the machine's payload (a test,
 * a single-purpose image): init delegates every device to it. For device i
 * of the boot info it gets CHIME_DEV<i>=<compatible> and the handles it
 * received in CHIME_DEV<i>_MMIO and CHIME_DEV<i>_IRQ (chime_device_find).
 * Devices a boot server got are not delegated again. Programs init starts
 * by default (hello) get none. */
static void delegate_devices(posix_spawnattr_t *attr, char **env, char *strings, size_t room)
{
    const struct chime_boot_info *bi = boot_info();
    int n = 0;

    for (uint32_t i = 0; bi != NULL && i < bi->ndevices && room > 64; i++) {
        const struct chime_boot_device *d = &bi->device[i];
        char name[32];
        int len;

        if (i < MAX_BOOT_DEVICES && device_taken[i])
            continue;
        len = snprintf(strings, room, "CHIME_DEV%u=%s", i, d->compatible);

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

/* Add the devices of row s to attr and env: CHIME_DEV<n>=<compatible> and
 * the handles, numbered from 0 in row order, as chime_device_find reads
 * them. Each entry takes a device the row has not taken yet, so a
 * compatible string listed k times takes k such devices (those the machine
 * has: a repeat that finds none more is no error). Marks what it gave in
 * given[]. Returns NULL, or the reason it cannot. */
static const char *server_devices(const struct boot_server *s, posix_spawnattr_t *attr, char **env,
                                  char *strings, size_t room, int *given)
{
    const struct chime_boot_info *bi = boot_info();
    uint32_t ndev = bi ? bi->ndevices : 0;
    int n = 0;

    if (ndev > MAX_BOOT_DEVICES)
        ndev = MAX_BOOT_DEVICES;
    for (int k = 0; k < BOOT_SERVER_DEVICES && s->devices[k]; k++) {
        uint32_t i = 0;
        char name[32];
        int len;

        while (i < ndev && (given[i] || device_taken[i] ||
                            strcmp(bi->device[i].compatible, s->devices[k]) != 0))
            i++;
        if (i == ndev) {
            if (k > 0 && strcmp(s->devices[k], s->devices[k - 1]) == 0)
                continue;
            return "its device is not in the device tree";
        }
        len = snprintf(strings, room, "CHIME_DEV%d=%s", n, s->devices[k]);
        if (len < 0 || (size_t)len + 1 > room)
            return "too many devices";
        given[i] = 1;
        env[n++] = strings;
        strings += len + 1;
        room -= (size_t)len + 1;
        snprintf(name, sizeof(name), "CHIME_DEV%d_MMIO", n - 1);
        if (bi->device[i].mmio_handle >= 0 &&
            chime_spawnattr_grant(attr, bi->device[i].mmio_handle, s->mmio_rights, name) != 0)
            return "cannot grant its registers";
        snprintf(name, sizeof(name), "CHIME_DEV%d_IRQ", n - 1);
        if (bi->device[i].irq_handle >= 0 &&
            chime_spawnattr_grant(attr, bi->device[i].irq_handle, CHIME_R_MANAGE, name) != 0)
            return "cannot grant its interrupt";
    }
    env[n] = NULL;
    return NULL;
}

/* Wait until pid publishes service (or exits, or time runs out). Returns
 * NULL, or why not into why[]. */
static const char *server_wait(pid_t pid, const char *service, char *why, size_t len)
{
    for (uint64_t waited = 0; waited < SERVER_WAIT_NS; waited += 1000000) {
        struct ipc_conn *c;
        long raw;

        if (ipc_connect(&c, service, 0, IPC_CONNECT_NOPOLL) == 0) {
            ipc_disconnect(c);
            return NULL;
        }
        raw = chime_wait(pid, 0);
        if (raw >= 0) {
            snprintf(why, len, "it exited with status %ld before serving \"%s\"", raw, service);
            return why;
        }
        syscall1(SYS_SLEEP, 1000000);
    }
    snprintf(why, len, "it did not serve \"%s\" within %llu s", service,
             SERVER_WAIT_NS / 1000000000ull);
    return why;
}

/* Start one boot server; given[] gets the devices it was given. Returns
 * NULL or the reason it did not start. */
static const char *server_start(const struct boot_server *s, char *why, size_t len, int *given)
{
    static char *env[BOOT_SERVER_DEVICES + 1];
    static char strings[512];
    char *argv[] = {(char *)s->name, NULL};
    posix_spawnattr_t attr;
    const char *bad;
    pid_t pid;
    int err;

    if (posix_spawnattr_init(&attr) != 0)
        return "out of memory";
    bad = server_devices(s, &attr, env, strings, sizeof(strings), given);
    if (bad) {
        posix_spawnattr_destroy(&attr);
        return bad;
    }
    err = posix_spawn(&pid, s->name, NULL, &attr, argv, env);
    posix_spawnattr_destroy(&attr);
    if (err != 0) {
        snprintf(why, len, "%s", strerror(err));
        return why;
    }
    return s->service ? server_wait(pid, s->service, why, len) : NULL;
}

/* Start every boot server, in order; report each that fails and go on. */
static void start_servers(void)
{
    for (size_t k = 0; k < NSERVERS; k++) {
        const struct boot_server *s = &boot_servers[k];
        int given[MAX_BOOT_DEVICES] = {0};
        char why[96];
        const char *bad = server_start(s, why, sizeof(why), given);

        if (bad) {
            printf("init: cannot start %s server %s: %s\n", s->required ? "required" : "optional",
                   s->name, bad);
            required_failed |= s->required;
            continue;
        }
        /* Its devices are its own now. */
        for (int i = 0; i < MAX_BOOT_DEVICES; i++)
            device_taken[i] |= given[i];
    }
}

/* The disk's servers: blk on the first virtio-blk device, found by its
 * virtio device id (virtio_probe.c), when the machine has one, then fs on
 * blk. blk's device is its alone: the program init runs does not get it.
 * A disk fs cannot mount (no ext2 on it) leaves blk serving and files
 * failing with ENOENT; init says so and goes on. */
static void start_disk_servers(const struct chime_boot_info *bi)
{
    const struct chime_boot_device *d = bi != NULL ? virtio_find(bi, VIRTIO_ID_BLOCK) : NULL;
    char *argv[] = {"fs", NULL};
    char why[96];
    const char *bad;
    pid_t pid;
    int err;

    if (d == NULL)
        return;
    if (start_blk(bi, &pid) != 0)
        return;
    if (d - bi->device < MAX_BOOT_DEVICES)
        device_taken[d - bi->device] = 1;
    err = posix_spawn(&pid, "fs", NULL, NULL, argv, NULL);
    if (err != 0) {
        printf("init: cannot start fs: %s\n", strerror(err));
        return;
    }
    bad = server_wait(pid, FS_SERVICE, why, sizeof(why));
    if (bad)
        printf("init: no file system: fs: %s\n", bad);
    else
        file_system_up = 1;
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

/* The default with a disk: the shell on the console, with PATH=/bin; the
 * machine powers off when it exits (its status is QEMU's). */
static void run_shell(void)
{
    char *argv[] = {"sh", NULL};
    char *env[] = {"PATH=/bin", "HOME=/home", "PWD=/", "TERM=vt100", NULL};
    pid_t pid;
    long raw;
    int err;

    printf("init: starting /bin/sh on the console\n");
    err = posix_spawn(&pid, "/bin/sh", NULL, NULL, argv, env);
    if (err != 0) {
        printf("init: cannot start /bin/sh: %s\n", strerror(err));
        power_off(127);
    }
    raw = chime_wait(pid, CHIME_FOREVER);
    printf("init: sh exited with status %ld%s; powering off\n", raw, status_note(raw));
    power_off(raw < 0 ? 126 : (int)(raw & 0xff));
}

/* The default without a shell: hello once per hart, each pinned to its hart (with the
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
    if (wallclock_set_from_rtc(bi) != 0)
        printf("init: no real-time clock: the wall clock starts at the epoch\n");
    start_servers();
    if (required_failed) {
        printf("init: a required server is missing: not running the program\n");
        finish(125);
    }
    start_disk_servers(bi);
    if (init_service_start(power_off_requested, reboot_requested) != 0)
        printf("init: cannot serve \"%s\": poweroff will not work\n", INIT_SERVICE);
    if (first < argc)
        finish(run_program(&argv[first]));
    if (file_system_up && access("/bin/sh", X_OK) == 0)
        run_shell();
    finish(run_hellos());
    return 0;
}
