// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/smart/run_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

extern char** environ;

namespace hostmon::agent::smart {
namespace {

// Waits for `pid` up to `wait`; true when reaped (status in *status).
bool ReapWithin(pid_t pid, absl::Duration wait, int* status) {
  absl::Time deadline = absl::Now() + wait;
  while (true) {
    pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) return true;
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
}

}  // namespace

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         absl::Duration timeout, size_t max_output) {
  if (argv.empty()) return absl::InvalidArgumentError("RunProcess: empty argv");
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // The agent blocks SIGTERM/SIGINT in every thread (they are taken with sigtimedwait); a child
  // would inherit that mask and could not be stopped by them.
  sigset_t none, defaults;
  sigemptyset(&none);
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  bool search = argv[0].find('/') == std::string::npos;
  int rc = search ? ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ)
                  : ::posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(pipefd[1]);
  if (rc != 0) {
    ::close(pipefd[0]);
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run ", argv[0], ": ", std::strerror(rc)));
  }

  ProcessResult result;
  absl::Time deadline = absl::Now() + timeout;
  char buf[65536];
  while (true) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) {
      result.timed_out = true;
      break;
    }
    pollfd p{pipefd[0], POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1);
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) continue;  // re-check the deadline
    ssize_t got = ::read(pipefd[0], buf, sizeof(buf));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // EOF: the child closed stdout (normally: exited)
    size_t room = max_output - std::min(max_output, result.out.size());
    result.out.append(buf, std::min(room, static_cast<size_t>(got)));
  }
  ::close(pipefd[0]);

  int status = 0;
  if (result.timed_out) {
    ::kill(pid, SIGKILL);
  } else if (!ReapWithin(pid, deadline - absl::Now(), &status)) {
    // stdout closed but the process lingers past the deadline.
    result.timed_out = true;
    ::kill(pid, SIGKILL);
  }
  if (result.timed_out) {
    if (!ReapWithin(pid, absl::Seconds(1), &status)) {
      // Stuck in uninterruptible sleep (a hung disk): it dies when the I/O returns. Reap it then,
      // on a thread of its own, instead of leaving a zombie or blocking the collection.
      std::thread([pid] {
        int s;
        while (::waitpid(pid, &s, 0) < 0 && errno == EINTR) {
        }
      }).detach();
    }
    return result;
  }
  if (WIFEXITED(status)) {
    result.exited = true;
    result.exit_status = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace hostmon::agent::smart
