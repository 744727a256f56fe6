#include "CProcessShims.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <unistd.h>

extern char **environ;

int sp_spawn(const char *path, char *const argv[], char *const envp[], const int *parent_fds,
             const int *child_fds, int fd_count, pid_t *pid) {
    posix_spawn_file_actions_t actions;
    int rc = posix_spawn_file_actions_init(&actions);
    if (rc != 0) return rc;
    int highest = 2;
    for (int i = 0; i < fd_count && rc == 0; i++) {
        // dup2 onto itself would keep O_CLOEXEC set; callers always map to a different number.
        rc = posix_spawn_file_actions_adddup2(&actions, parent_fds[i], child_fds[i]);
        if (child_fds[i] > highest) highest = child_fds[i];
    }
    if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, highest + 1);
    if (rc == 0) rc = posix_spawn(pid, path, &actions, NULL, argv, envp ? envp : environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

int sp_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC) == 0 ? 0 : errno;
}

int sp_set_parent_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0) == 0 ? 0 : errno;
}

void sp_ignore_sigpipe(void) {
    signal(SIGPIPE, SIG_IGN);
}

// Defined only when a sanitizer's runtime is linked in (AddressSanitizer, LeakSanitizer, ...).
extern void __sanitizer_purge_allocator(void) __attribute__((weak));

void sp_release_free_memory(void) {
    // Under a sanitizer its own allocator serves every malloc and glibc's never starts: the first
    // malloc_trim then sets glibc's up, and two threads calling it at once let one walk arenas not
    // yet set up (SIGSEGV at address 0x8, or a deadlock). Purge the allocator in use instead.
    if (__sanitizer_purge_allocator) {
        __sanitizer_purge_allocator();
    } else {
        malloc_trim(0);
    }
}
