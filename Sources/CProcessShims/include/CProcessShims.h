#ifndef C_PROCESS_SHIMS_H
#define C_PROCESS_SHIMS_H

#include <sys/types.h>

/// Spawns `path` with `argv` and `envp` (NULL-terminated; a NULL `envp` passes the current
/// environment). Each
/// `child_fds[i]` in the child is a duplicate of `parent_fds[i]` in the parent; every other
/// descriptor from 3 up is closed in the child. Returns 0 and sets `*pid`, or an errno value.
int sp_spawn(const char *path, char *const argv[], char *const envp[], const int *parent_fds,
             const int *child_fds, int fd_count, pid_t *pid);

/// pipe2(fds, O_CLOEXEC): both ends close on exec unless a spawn duplicates them.
int sp_pipe_cloexec(int fds[2]);

/// Asks the kernel to send `signal` to this process when its parent dies.
int sp_set_parent_death_signal(int signal);

/// Ignores SIGPIPE so that writing to a dead worker's pipe is an EPIPE error, not a death.
void sp_ignore_sigpipe(void);

/// Returns freed heap memory to the system (malloc_trim; under a sanitizer, its allocator's
/// purge), so that a long-lived worker's resident size follows what it holds rather than its
/// high-water mark.
void sp_release_free_memory(void);

#endif
