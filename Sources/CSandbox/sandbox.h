// The two Linux calls the PDF sandbox child makes that Swift cannot:
// prctl(2) and syscall(2) are variadic in C, so they are wrapped here.
#ifndef DOCKET_CSANDBOX_H
#define DOCKET_CSANDBOX_H

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define DOCKET_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define DOCKET_AUDIT_ARCH AUDIT_ARCH_AARCH64
#else
#error "the PDF sandbox's seccomp filter knows x86_64 and aarch64 only"
#endif

/// Closes every descriptor from `first` up: a child must not hold the
/// parent's Redis or Postgres sockets. 0 on success, else -1 and errno.
static inline int docket_close_from(unsigned int first) {
    return (int)syscall(SYS_close_range, first, ~0U, 0);
}

/// Asks the kernel to SIGKILL this process when the thread that spawned it
/// exits: a child must not go on rendering for a worker that was killed.
/// 0 on success.
static inline int docket_die_with_parent(void) {
    return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}

/// Installs a seccomp filter under which socket(2) and connect(2) fail with
/// EACCES, so a parser that is subverted cannot reach the network. Sets
/// no_new_privs first, as an unprivileged filter requires. A call from
/// another ABI (x32 on x86_64) is refused the same way. 0 on success.
static inline int docket_deny_network(void) {
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, DOCKET_AUDIT_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
#if defined(__x86_64__)
        BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 3, 0),
#endif
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_connect, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EACCES & SECCOMP_RET_DATA)),
    };
    struct sock_fprog program = { .len = sizeof(filter) / sizeof(filter[0]), .filter = filter };
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program);
}

#endif
