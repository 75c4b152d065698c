/* signal, sigaction, raise, sigprocmask, sigpending, over the pending bits
 * of sig.h (picolibc's <signal.h> has the sigset macros). */
#include "sig.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

volatile unsigned long libos_sig_pending;
static unsigned long blocked;
static struct sigaction actions[NSIG];

_Static_assert(NSIG <= 64, "signal bits fit a word");

void libos_signal_post(int sig)
{
    if (sig > 0 && sig < NSIG)
        __atomic_fetch_or(&libos_sig_pending, 1ul << sig, __ATOMIC_SEQ_CST);
}

/* Signals whose default action is to do nothing. */
static int default_ignores(int sig)
{
    return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH || sig == SIGCONT;
}

int libos_signal_deliver(void)
{
    int ran = 0;

    for (;;) {
        unsigned long ready = libos_sig_pending & ~blocked;
        int sig;
        _sig_func_ptr h;

        if (!ready)
            return ran;
        sig = __builtin_ctzl(ready);
        __atomic_fetch_and(&libos_sig_pending, ~(1ul << sig), __ATOMIC_SEQ_CST);
        h = actions[sig].sa_handler;
        if (h == SIG_IGN || (h == SIG_DFL && default_ignores(sig)))
            continue;
        if (h == SIG_DFL)
            _exit(128 + sig); /* abnormal end: stdio is not flushed */
        {
            unsigned long was = blocked;

            blocked |= actions[sig].sa_mask | (1ul << sig);
            h(sig);
            blocked = was;
        }
        ran = 1;
    }
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (sig <= 0 || sig >= NSIG || ((sig == SIGKILL || sig == SIGSTOP) && act)) {
        errno = EINVAL;
        return -1;
    }
    if (old)
        *old = actions[sig];
    if (act)
        actions[sig] = *act;
    return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
    struct sigaction act, old;

    memset(&act, 0, sizeof(act));
    act.sa_handler = handler;
    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int raise(int sig)
{
    if (sig <= 0 || sig >= NSIG) {
        errno = EINVAL;
        return -1;
    }
    libos_signal_post(sig);
    libos_signal_deliver();
    return 0;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    unsigned long s = set ? (unsigned long)*set : 0;

    if (old)
        *old = (sigset_t)blocked;
    if (!set)
        return 0;
    s &= ~((1ul << SIGKILL) | (1ul << SIGSTOP));
    switch (how) {
    case SIG_BLOCK:
        blocked |= s;
        break;
    case SIG_UNBLOCK:
        blocked &= ~s;
        break;
    case SIG_SETMASK:
        blocked = s;
        break;
    default:
        errno = EINVAL;
        return -1;
    }
    libos_signals();
    return 0;
}

int sigpending(sigset_t *set)
{
    *set = (sigset_t)(libos_sig_pending & blocked);
    return 0;
}
