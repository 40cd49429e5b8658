// SPDX-License-Identifier: Apache-2.0
#include "common/net/tcp_connect.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <catch2/catch.hpp>

#include "absl/time/clock.h"

namespace hostmon::net {
namespace {

// A listening socket on 127.0.0.1 with a kernel-chosen port and the given backlog.
struct Listener {
  UniqueFd fd;
  int port = 0;
  explicit Listener(int backlog) {
    fd = UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    REQUIRE(::listen(fd.get(), backlog) == 0);
    socklen_t len = sizeof(a);
    REQUIRE(::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port = ntohs(a.sin_port);
  }
};

SocketAddress Loopback(int port) {
  auto r = Resolve("127.0.0.1", std::to_string(port), IpPreference::kAny,
                   absl::Now() + absl::Seconds(1));
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  return r->front();
}

TEST_CASE("SplitHostPort: names, IPv4, bracketed IPv6, and errors name the input", "[net]") {
  std::string host, port;
  REQUIRE(SplitHostPort("db1.example.org:5432", &host, &port).ok());
  CHECK(host == "db1.example.org");
  CHECK(port == "5432");
  REQUIRE(SplitHostPort("[::1]:80", &host, &port).ok());
  CHECK(host == "::1");
  CHECK(port == "80");
  for (const char* bad : {"nohost", "::1:80", "[::1]80", "h:0", "h:65536", ":80", "h:x"}) {
    absl::Status s = SplitHostPort(bad, &host, &port);
    INFO(bad);
    CHECK(absl::IsInvalidArgument(s));
    CHECK(s.message().find(bad) != std::string::npos);
  }
}

TEST_CASE("Resolve: literals need no resolver, and family preference filters", "[net]") {
  auto deadline = absl::Now() + absl::Seconds(1);
  auto v4 = Resolve("127.0.0.1", "80", IpPreference::kIpv4Only, deadline);
  REQUIRE(v4.ok());
  CHECK(v4->front().ToString() == "127.0.0.1:80");
  auto v6 = Resolve("::1", "443", IpPreference::kAny, deadline);
  REQUIRE(v6.ok());
  CHECK(v6->front().ToString() == "[::1]:443");
  CHECK(!Resolve("127.0.0.1", "80", IpPreference::kIpv6Only, deadline).ok());
  // "localhost" goes through the resolver thread (/etc/hosts).
  auto named = Resolve("localhost", "80", IpPreference::kIpv4Only, deadline);
  REQUIRE(named.ok());
  CHECK(named->front().ToString() == "127.0.0.1:80");
}

TEST_CASE("ConnectTcp: connects to a listener, reports refusal with the address", "[net]") {
  Listener l(4);
  auto fd = ConnectTcp(Loopback(l.port), absl::Now() + absl::Seconds(2));
  REQUIRE(fd.ok());
  CHECK(fd->valid());

  int closed_port = 0;
  {
    Listener gone(1);
    closed_port = gone.port;
  }
  auto refused = ConnectTcp(Loopback(closed_port), absl::Now() + absl::Seconds(2));
  REQUIRE(!refused.ok());
  CHECK(absl::IsUnavailable(refused.status()));
  CHECK(refused.status().message().find("127.0.0.1:" + std::to_string(closed_port)) !=
        std::string::npos);
}

TEST_CASE("ConnectTcp: a black-holed address costs the deadline, not the SYN retries", "[net]") {
  // 192.0.2.0/24 (TEST-NET-1) is never routed; with no route at all connect() fails at once
  // (ENETUNREACH), which is also fine: either way the call returns by the deadline.
  auto addr = Resolve("192.0.2.1", "9", IpPreference::kAny, absl::Now() + absl::Seconds(1));
  REQUIRE(addr.ok());
  absl::Time start = absl::Now();
  auto fd = ConnectTcp(addr->front(), start + absl::Milliseconds(200));
  absl::Duration took = absl::Now() - start;
  CHECK(!fd.ok());
  CHECK(took < absl::Seconds(1));
}

}  // namespace
}  // namespace hostmon::net
