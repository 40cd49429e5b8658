// SPDX-License-Identifier: Apache-2.0
#include "common/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace hostmon::common {

SystemdNotifier SystemdNotifier::FromEnvironment() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (socket == nullptr || socket[0] == '\0') return SystemdNotifier();
  absl::Duration watchdog = absl::ZeroDuration();
  const char* usec = std::getenv("WATCHDOG_USEC");
  uint64_t us = 0;
  if (usec != nullptr && absl::SimpleAtoi(usec, &us) && us > 0) {
    const char* pid = std::getenv("WATCHDOG_PID");
    int64_t watchdog_pid = 0;
    if (pid == nullptr || pid[0] == '\0' ||
        (absl::SimpleAtoi(pid, &watchdog_pid) && watchdog_pid == getpid())) {
      watchdog = absl::Microseconds(static_cast<int64_t>(us));
    }
  }
  return SystemdNotifier(socket, watchdog);
}

absl::Duration SystemdNotifier::ping_interval() const {
  if (!enabled() || watchdog_ <= absl::ZeroDuration()) return absl::InfiniteDuration();
  return watchdog_ / 2;
}

absl::Status SystemdNotifier::Send(absl::string_view state) const {
  if (!enabled()) return absl::OkStatus();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_.size() >= sizeof(addr.sun_path) || (socket_[0] != '/' && socket_[0] != '@')) {
    return absl::InvalidArgumentError(
        absl::StrCat("NOTIFY_SOCKET \"", socket_, "\" is not an absolute or abstract socket"));
  }
  std::memcpy(addr.sun_path, socket_.data(), socket_.size());
  socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + socket_.size());
  // An abstract name starts with a NUL byte and is not NUL-terminated.
  if (socket_[0] == '@') addr.sun_path[0] = '\0';
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  ssize_t n;
  do {
    n = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
               len);
  } while (n < 0 && errno == EINTR);
  int err = errno;
  close(fd);
  if (n < 0) {
    return absl::UnavailableError(
        absl::StrCat("NOTIFY_SOCKET ", socket_, ": ", std::strerror(err)));
  }
  return absl::OkStatus();
}

void SystemdNotifier::SendOrLog(const std::string& state) const {
  if (absl::Status s = Send(state); !s.ok()) {
    log::Debug("cannot notify systemd", log::Kv("err", s.message()));
  }
}

void SystemdNotifier::Ready(absl::string_view status) const {
  SendOrLog(absl::StrCat("READY=1\nSTATUS=", status));
}

void SystemdNotifier::Status(absl::string_view status) const {
  SendOrLog(absl::StrCat("STATUS=", status));
}

void SystemdNotifier::Stopping(absl::string_view status) const {
  SendOrLog(absl::StrCat("STOPPING=1\nSTATUS=", status));
}

void SystemdNotifier::Reloading(absl::string_view status) const {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  const int64_t usec = static_cast<int64_t>(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
  SendOrLog(absl::StrCat("RELOADING=1\nMONOTONIC_USEC=", usec, "\nSTATUS=", status));
}

void SystemdNotifier::WatchdogPing() const {
  if (watchdog_ > absl::ZeroDuration()) SendOrLog("WATCHDOG=1");
}

bool ProgressWatchdog::PingIfProgressed(uint64_t progress) {
  if (pinged_ && progress == last_) return false;
  pinged_ = true;
  last_ = progress;
  notifier_->WatchdogPing();
  return true;
}

}  // namespace hostmon::common
