// SPDX-License-Identifier: Apache-2.0
//
// Socket building blocks with deadlines, for probes and the peer latency mesh: a file descriptor
// that closes itself, host:port parsing, name resolution and a TCP connect that never waits past
// a deadline (a black-holed peer must cost one deadline, never a kernel SYN-retry timeout of
// two minutes).
#pragma once

#include <sys/socket.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace hostmon::net {

// Owns a file descriptor; closes it on destruction. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = other.Release();
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void Reset();

 private:
  int fd_ = -1;
};

// One socket address (IPv4 or IPv6).
struct SocketAddress {
  sockaddr_storage storage{};
  socklen_t length = 0;

  int family() const { return storage.ss_family; }
  // "192.0.2.1:80" or "[2001:db8::1]:80".
  std::string ToString() const;
};

// Splits "host:port" or "[v6]:port"; a bare IPv6 literal is refused (ambiguous). Errors name
// the input.
absl::Status SplitHostPort(absl::string_view address, std::string* host, std::string* port);

// Which address families a resolution may return.
enum class IpPreference { kAny, kIpv4Only, kIpv6Only };

// Resolves host (a name or a literal) and a numeric port. getaddrinfo() has no timeout of its
// own, so it runs on a helper thread and the caller gives up at the deadline (the thread
// finishes in the background; its result is discarded). Literals resolve without that thread.
absl::StatusOr<std::vector<SocketAddress>> Resolve(const std::string& host, const std::string& port,
                                                   IpPreference preference, absl::Time deadline);

// Opens a non-blocking TCP socket to address and waits until it is connected or the deadline
// passes. The returned socket stays non-blocking. Errors: "connection refused", "timed out after
// Xms", ... each naming the address.
absl::StatusOr<UniqueFd> ConnectTcp(const SocketAddress& address, absl::Time deadline);

// Waits until fd is readable (events=POLLIN) or writable (POLLOUT), or the deadline passes
// (DeadlineExceededError). Retries on EINTR.
absl::Status WaitFor(int fd, short events, absl::Time deadline);

}  // namespace hostmon::net
