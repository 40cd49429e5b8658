// SPDX-License-Identifier: Apache-2.0
//
// A fake systemd notification socket: a Unix datagram socket the test binds (as systemd does for
// $NOTIFY_SOCKET), and the datagrams the code under test sent to it.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace hostmon::testing {

class FakeNotifySocket {
 public:
  // `name`: a file system path, or "@name" for an abstract socket.
  explicit FakeNotifySocket(std::string name) : name_(std::move(name)) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, name_.data(), name_.size());
    if (name_[0] == '@') addr.sun_path[0] = '\0';
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&addr),
                  static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size())) == 0;
  }
  ~FakeNotifySocket() {
    close(fd_);
    if (name_[0] == '/') unlink(name_.c_str());
  }
  FakeNotifySocket(const FakeNotifySocket&) = delete;
  FakeNotifySocket& operator=(const FakeNotifySocket&) = delete;

  bool bound() const { return bound_; }
  const std::string& name() const { return name_; }

  // The next datagram, or "" when none arrives within `timeout`.
  std::string Receive(absl::Duration timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) <= 0) return "";
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof(buf), 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
  }

  // Every datagram that arrives within `window`.
  std::vector<std::string> ReceiveFor(absl::Duration window) {
    std::vector<std::string> out;
    const absl::Time end = absl::Now() + window;
    for (absl::Time now = absl::Now(); now < end; now = absl::Now()) {
      std::string d = Receive(end - now);
      if (!d.empty()) out.push_back(std::move(d));
    }
    return out;
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

}  // namespace hostmon::testing
