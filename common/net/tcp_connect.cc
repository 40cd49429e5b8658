// SPDX-License-Identifier: Apache-2.0
#include "common/net/tcp_connect.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace hostmon::net {
namespace {

// Resolutions still running on their helper threads after their caller gave up. A resolver that
// hangs must not make every probe round leave one more thread behind.
constexpr int kMaxResolutionsInFlight = 16;
std::atomic<int> g_resolutions_in_flight{0};

absl::StatusOr<std::vector<SocketAddress>> CollectAddresses(const addrinfo* list,
                                                            IpPreference preference) {
  std::vector<SocketAddress> out;
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_family == AF_INET && preference == IpPreference::kIpv6Only) continue;
    if (ai->ai_family == AF_INET6 && preference == IpPreference::kIpv4Only) continue;
    if (ai->ai_family != AF_INET && ai->ai_family != AF_INET6) continue;
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    SocketAddress a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    out.push_back(a);
  }
  return out;
}

addrinfo Hints(IpPreference preference, bool numeric) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_family = preference == IpPreference::kIpv4Only   ? AF_INET
                    : preference == IpPreference::kIpv6Only ? AF_INET6
                                                            : AF_UNSPEC;
  hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0);
  return hints;
}

// The result a resolver thread leaves for its (maybe departed) caller.
struct Resolution {
  absl::Mutex mu;
  bool done = false;
  int rc = 0;
  addrinfo* list = nullptr;
  ~Resolution() {
    if (list != nullptr) freeaddrinfo(list);
  }
};

}  // namespace

void UniqueFd::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string SocketAddress::ToString() const {
  char host[INET6_ADDRSTRLEN] = "?";
  if (family() == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
    return absl::StrCat(host, ":", ntohs(in->sin_port));
  }
  if (family() == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
    inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
    return absl::StrCat("[", host, "]:", ntohs(in6->sin6_port));
  }
  return "(unknown address family)";
}

absl::Status SplitHostPort(absl::string_view address, std::string* host, std::string* port) {
  absl::string_view h, p;
  if (!address.empty() && address.front() == '[') {
    size_t close = address.find(']');
    if (close == absl::string_view::npos || close + 1 >= address.size() ||
        address[close + 1] != ':') {
      return absl::InvalidArgumentError(
          absl::StrCat("address \"", address, "\": expected [ipv6]:port"));
    }
    h = address.substr(1, close - 1);
    p = address.substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == absl::string_view::npos || address.find(':') != colon) {
      return absl::InvalidArgumentError(absl::StrCat(
          "address \"", address, "\": expected host:port (IPv6 literals as [addr]:port)"));
    }
    h = address.substr(0, colon);
    p = address.substr(colon + 1);
  }
  int port_number = 0;
  if (h.empty() || !absl::SimpleAtoi(p, &port_number) || port_number < 1 || port_number > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("address \"", address, "\": expected host:port with a port in 1..65535"));
  }
  *host = std::string(h);
  *port = std::string(p);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<SocketAddress>> Resolve(const std::string& host, const std::string& port,
                                                   IpPreference preference, absl::Time deadline) {
  // A literal address: no resolver, no thread.
  addrinfo hints = Hints(preference, /*numeric=*/true);
  addrinfo* list = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &list) == 0) {
    auto out = CollectAddresses(list, preference);
    freeaddrinfo(list);
    if (out.ok() && out->empty()) {
      return absl::NotFoundError(
          absl::StrCat("resolving \"", host, "\": no address of the wanted family"));
    }
    return out;
  }

  if (g_resolutions_in_flight.fetch_add(1) >= kMaxResolutionsInFlight) {
    g_resolutions_in_flight.fetch_sub(1);
    return absl::ResourceExhaustedError(
        absl::StrCat("resolving \"", host, "\": ", kMaxResolutionsInFlight,
                     " earlier resolutions are still hanging (is the DNS server reachable?)"));
  }
  auto resolution = std::make_shared<Resolution>();
  std::thread([resolution, host, port, preference] {
    addrinfo hints = Hints(preference, /*numeric=*/false);
    addrinfo* list = nullptr;
    int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &list);
    {
      absl::MutexLock lock(&resolution->mu);
      resolution->rc = rc;
      resolution->list = list;
      resolution->done = true;
    }
    g_resolutions_in_flight.fetch_sub(1);
  }).detach();

  absl::MutexLock lock(&resolution->mu);
  if (!resolution->mu.AwaitWithDeadline(absl::Condition(&resolution->done), deadline)) {
    return absl::DeadlineExceededError(
        absl::StrCat("resolving \"", host, "\": no answer before the deadline"));
  }
  if (resolution->rc != 0) {
    return absl::NotFoundError(
        absl::StrCat("resolving \"", host, "\": ", gai_strerror(resolution->rc)));
  }
  auto out = CollectAddresses(resolution->list, preference);
  if (out.ok() && out->empty()) {
    return absl::NotFoundError(
        absl::StrCat("resolving \"", host, "\": no address of the wanted family"));
  }
  return out;
}

absl::Status WaitFor(int fd, short events, absl::Time deadline) {
  for (;;) {
    absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError("deadline passed");
    pollfd p{fd, events, 0};
    // Round up so that a wait of 0.4 ms does not become a busy loop of poll(0).
    int ms = static_cast<int>(absl::ToInt64Milliseconds(left + absl::Microseconds(999)));
    int rc = ::poll(&p, 1, ms);
    if (rc < 0) {
      if (errno == EINTR) continue;
      return absl::InternalError(absl::StrCat("poll: ", std::strerror(errno)));
    }
    if (rc > 0) return absl::OkStatus();
  }
}

absl::StatusOr<UniqueFd> ConnectTcp(const SocketAddress& address, absl::Time deadline) {
  const absl::Time start = absl::Now();
  UniqueFd fd(::socket(address.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) {
    return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  int rc;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address.storage), address.length);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0 && errno != EINPROGRESS) {
    return absl::UnavailableError(
        absl::StrCat("connect to ", address.ToString(), ": ", std::strerror(errno)));
  }
  if (rc < 0) {
    absl::Status waited = WaitFor(fd.get(), POLLOUT, deadline);
    if (absl::IsDeadlineExceeded(waited)) {
      return absl::DeadlineExceededError(absl::StrCat("connect to ", address.ToString(),
                                                      ": timed out after ",
                                                      absl::FormatDuration(absl::Now() - start)));
    }
    if (!waited.ok()) return waited;
    int error = 0;
    socklen_t len = sizeof(error);
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len) < 0) error = errno;
    if (error != 0) {
      return absl::UnavailableError(
          absl::StrCat("connect to ", address.ToString(), ": ", std::strerror(error)));
    }
  }
  return fd;
}

}  // namespace hostmon::net
