/* The signal half of the fault interposer (tests/fault/faultio.c, which
 * cannot include <signal.h>: under _GNU_SOURCE it pulls in <unistd.h>, and
 * with it the pwrite -> pwrite64 renaming that file must avoid). */
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>

volatile int faultio_stop_handled;

/* With ASSETCTL_FAULT_HOLD, a SIGINT/SIGTERM handler the program installs
 * runs through this trampoline, which then releases the held writes: the
 * program has seen the signal before its wipe goes on. */
typedef int (*sigaction_fn)(int, const struct sigaction *, struct sigaction *);
static void (*user_handler[NSIG])(int);

static void trampoline(int sig) {
        int e = errno;
        if (sig > 0 && sig < NSIG && user_handler[sig]) user_handler[sig](sig);
        faultio_stop_handled = 1;
        errno = e;
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old) {
        sigaction_fn real_sa = (sigaction_fn) dlsym(RTLD_NEXT, "sigaction");
        if (!getenv("ASSETCTL_FAULT_HOLD") || (sig != SIGINT && sig != SIGTERM)) return real_sa(sig, act, old);
        void (*prev)(int) = user_handler[sig];
        bool wrap = act && !(act->sa_flags & SA_SIGINFO) && act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN;
        struct sigaction a;
        if (wrap) {
                a = *act;
                a.sa_handler = trampoline;
                user_handler[sig] = act->sa_handler;
        }
        int r = real_sa(sig, wrap ? &a : act, old);
        if (r < 0) {
                if (wrap) user_handler[sig] = prev;
                return r;
        }
        if (old && !(old->sa_flags & SA_SIGINFO) && old->sa_handler == trampoline) old->sa_handler = prev;
        if (act && !wrap) user_handler[sig] = NULL;
        return r;
}
