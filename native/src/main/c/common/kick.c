/*
 * Kicking a vCPU out of KVM_RUN from another thread: set immediate_exit (so a
 * kick that lands outside KVM_RUN still takes effect on the next entry) and
 * send the vCPU thread a signal whose handler does nothing. The signal is a
 * real-time one that HotSpot leaves alone (NIO uses SIGRTMAX-2).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "axvm.h"

#define AXVM_KICK_SIGNAL (SIGRTMIN + 4)

static void on_kick(int sig) { (void)sig; }

int axvm_kick_install(void) {
    struct sigaction sa = { .sa_handler = on_kick, .sa_flags = SA_RESTART };
    sigemptyset(&sa.sa_mask);
    return sigaction(AXVM_KICK_SIGNAL, &sa, NULL) < 0 ? -errno : AXVM_KICK_SIGNAL;
}

int axvm_thread_prepare(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, AXVM_KICK_SIGNAL);
    int rc = pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return rc ? -rc : (int)syscall(SYS_gettid);
}

int axvm_vcpu_kick(void *run, int tid) {
    struct kvm_run *r = run;
    __atomic_store_n(&r->immediate_exit, 1, __ATOMIC_SEQ_CST);
    if (tid <= 0)
        return 0; /* no thread bound yet: the flag alone stops the next entry */
    return syscall(SYS_tgkill, getpid(), tid, AXVM_KICK_SIGNAL) < 0 ? -errno : 0;
}
