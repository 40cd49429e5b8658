// SPDX-License-Identifier: Apache-2.0
// The collector's HTTP server over loopback: basic auth, request limits, deadlines for idle and
// slow clients, the connection cap. TLS with a real Prometheus: tests/e2e/web_auth_test.py.
#include "collector/web_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/http/gzip.h"

namespace hostmon::collector {
namespace {

int Connect(const std::string& address) {
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port)) return -1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Sends `request` as is and reads the whole response (the server closes after it); "" when the
// server closed without answering or nothing came within `timeout`.
std::string Exchange(const std::string& address, const std::string& request,
                     absl::Duration timeout = absl::Seconds(5)) {
  int fd = Connect(address);
  if (fd < 0) return "";
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
    close(fd);
    return "";
  }
  std::string resp;
  const absl::Time deadline = absl::Now() + timeout;
  char buf[4096];
  while (absl::Now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    resp.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return resp;
}

int Code(const std::string& response) {
  int code = 0;
  if (response.size() < 12 || !absl::SimpleAtoi(response.substr(9, 3), &code)) return 0;
  return code;
}

std::string Get(const std::string& path, const std::string& extra = "") {
  return absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: x\r\n", extra, "\r\n");
}

std::map<std::string, WebServer::Handler> OkRoutes() {
  std::map<std::string, WebServer::Handler> routes;
  routes["/metrics"] = [](std::string* body, std::string*) {
    *body = "up 1\n";
    return 200;
  };
  return routes;
}

TEST_CASE("Web server: basic auth answers 401 with a challenge, 200 with the right password",
          "[collector][web]") {
  auto config = std::make_shared<common::WebConfig>();
  auto hash = common::BcryptHash("secret", 4);
  REQUIRE(hash.ok());
  config->basic_auth_users["prometheus"] = *hash;
  config->headers.emplace_back("X-Frame-Options", "deny");
  WebServer::Options options;
  options.web_config = config;
  auto web = WebServer::Start("127.0.0.1:0", OkRoutes(), {}, options);
  REQUIRE(web.ok());
  const std::string addr = (*web)->bound_address();
  const std::string good =
      "Authorization: Basic " + absl::Base64Escape("prometheus:secret") + "\r\n";
  const std::string bad = "Authorization: Basic " + absl::Base64Escape("prometheus:nope") + "\r\n";
  const std::string unknown = "Authorization: Basic " + absl::Base64Escape("eve:secret") + "\r\n";

  std::string r = Exchange(addr, Get("/metrics"));
  CHECK(Code(r) == 401);
  CHECK(absl::StrContains(r, "\r\nWWW-Authenticate: Basic realm=\"hostmon\"\r\n"));
  CHECK(absl::StrContains(r, "\r\nX-Frame-Options: deny\r\n"));
  CHECK_FALSE(absl::StrContains(r, "up 1"));
  CHECK(Code(Exchange(addr, Get("/metrics", bad))) == 401);
  CHECK(Code(Exchange(addr, Get("/metrics", unknown))) == 401);
  // Every path needs it, even one that does not exist (no probing of routes).
  CHECK(Code(Exchange(addr, Get("/nope"))) == 401);
  r = Exchange(addr, Get("/metrics", good));
  CHECK(Code(r) == 200);
  CHECK(absl::EndsWith(r, "\r\n\r\nup 1\n"));
  CHECK(absl::StrContains(r, "\r\nX-Frame-Options: deny\r\n"));
  CHECK(Code(Exchange(addr, Get("/nope", good))) == 404);
}

TEST_CASE("Web server: gzip when the client accepts it, round trip exact", "[collector][web]") {
  std::string big;
  for (int i = 0; i < 5000; ++i) absl::StrAppend(&big, "node_x{cpu=\"", i, "\"} ", i * 3, "\n");
  std::map<std::string, WebServer::Handler> routes;
  routes["/big"] = [&big](std::string* body, std::string*) {
    *body = big;
    return 200;
  };
  routes["/small"] = [](std::string* body, std::string*) {
    *body = "up 1\n";
    return 200;
  };
  routes["/fail"] = [&big](std::string* body, std::string*) {
    *body = big;
    return 503;
  };
  auto web = WebServer::Start("127.0.0.1:0", routes);
  REQUIRE(web.ok());
  const std::string addr = (*web)->bound_address();
  auto body_of = [](const std::string& r) { return r.substr(r.find("\r\n\r\n") + 4); };

  std::string r = Exchange(addr, Get("/big", "Accept-Encoding: gzip\r\n"));
  REQUIRE(Code(r) == 200);
  CHECK(absl::StrContains(r, "\r\nContent-Encoding: gzip\r\n"));
  CHECK(absl::StrContains(r, "\r\nVary: Accept-Encoding\r\n"));
  const std::string z = body_of(r);
  CHECK(absl::StrContains(r, absl::StrCat("\r\nContent-Length: ", z.size(), "\r\n")));
  CHECK(z.size() * 4 < big.size());
  auto plain = common::http::GzipDecompress(z, 1 << 24);
  REQUIRE(plain.ok());
  CHECK(*plain == big);
  // Prometheus's header, a q-value, and refusals.
  CHECK(absl::StrContains(Exchange(addr, Get("/big", "Accept-Encoding: deflate, gzip;q=0.5\r\n")),
                          "Content-Encoding: gzip"));
  for (const char* refuse : {"", "Accept-Encoding: identity\r\n", "Accept-Encoding: gzip;q=0\r\n",
                             "Accept-Encoding: br\r\n"}) {
    INFO(refuse);
    r = Exchange(addr, Get("/big", refuse));
    CHECK_FALSE(absl::StrContains(r, "Content-Encoding"));
    CHECK(body_of(r) == big);
  }
  // Small answers and errors stay plain.
  r = Exchange(addr, Get("/small", "Accept-Encoding: gzip\r\n"));
  CHECK(absl::EndsWith(r, "\r\n\r\nup 1\n"));
  CHECK_FALSE(absl::StrContains(Exchange(addr, Get("/fail", "Accept-Encoding: gzip\r\n")),
                                "Content-Encoding"));
}

TEST_CASE("gzip helpers: Accept-Encoding parsing and corrupt input", "[collector][web]") {
  using common::http::AcceptsGzip;
  CHECK(AcceptsGzip("gzip"));
  CHECK(AcceptsGzip("GZIP"));
  CHECK(AcceptsGzip("*"));
  CHECK(AcceptsGzip("br, gzip ; q=0.1"));
  CHECK_FALSE(AcceptsGzip(""));
  CHECK_FALSE(AcceptsGzip("gzip;q=0"));
  CHECK_FALSE(AcceptsGzip("gzip;q=0.000"));
  CHECK_FALSE(AcceptsGzip("gzip;q=abc"));
  CHECK_FALSE(AcceptsGzip("x-gzip2"));
  auto z = common::http::GzipCompress(std::string(100000, 'a'));
  REQUIRE(z.ok());
  CHECK_FALSE(common::http::GzipDecompress(z->substr(0, z->size() / 2), 1 << 20).ok());
  CHECK_FALSE(common::http::GzipDecompress("not gzip at all", 1 << 20).ok());
  CHECK(absl::IsResourceExhausted(common::http::GzipDecompress(*z, 1000).status()));
}

TEST_CASE("Web server: malformed, oversized and chunked requests get a 4xx", "[collector][web]") {
  std::map<std::string, WebServer::RequestHandler> request_routes;
  request_routes["/post"] = [](const WebServer::Request& r, std::string* body, std::string*) {
    *body = absl::StrCat(r.method, " ", r.body.size());
    return 200;
  };
  auto web = WebServer::Start("127.0.0.1:0", OkRoutes(), request_routes);
  REQUIRE(web.ok());
  const std::string addr = (*web)->bound_address();
  CHECK(Code(Exchange(addr, "NOT HTTP\r\n\r\n")) == 400);
  CHECK(Code(Exchange(addr, "GET metrics HTTP/1.1\r\n\r\n")) == 400);
  CHECK(Code(Exchange(addr, "GET /metrics HTTP/1.1\r\nno colon\r\n\r\n")) == 400);
  CHECK(Code(Exchange(addr, "GET /a%zz HTTP/1.1\r\n\r\n")) == 400);
  CHECK(Code(Exchange(addr, Get("/metrics", "X-Big: " + std::string(70000, 'a') + "\r\n"))) == 431);
  CHECK(Code(Exchange(addr, "POST /post HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n")) == 413);
  CHECK(Code(Exchange(
            addr, "POST /post HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")) == 411);
  std::string r = Exchange(addr, "POST /post HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  CHECK(Code(r) == 200);
  CHECK(absl::EndsWith(r, "POST 5"));
  // HEAD: the headers of GET, no body.
  r = Exchange(addr, "HEAD /metrics HTTP/1.1\r\n\r\n");
  CHECK(Code(r) == 200);
  CHECK(absl::EndsWith(
      r, "Content-Length: 5\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"));
}

TEST_CASE(
    "Web server: idle and slowloris clients are closed at the read timeout and never "
    "block others",
    "[collector][web]") {
  WebServer::Options options;
  options.read_timeout = absl::Milliseconds(800);
  auto web = WebServer::Start("127.0.0.1:0", OkRoutes(), {}, options);
  REQUIRE(web.ok());
  const std::string addr = (*web)->bound_address();
  std::vector<int> idle;
  for (int i = 0; i < 100; ++i) {
    int fd = Connect(addr);
    REQUIRE(fd >= 0);
    // Half of them start a request and never finish it.
    if (i % 2 == 0) REQUIRE(send(fd, "GET /metrics HTTP/1.1\r\nX-A", 26, MSG_NOSIGNAL) == 26);
    idle.push_back(fd);
  }
  const absl::Time start = absl::Now();
  CHECK(Code(Exchange(addr, Get("/metrics"))) == 200);
  CHECK(absl::Now() - start < absl::Milliseconds(500));
  // Past the timeout every one of them has been closed by the server (read returns 0).
  absl::SleepFor(absl::Milliseconds(1500));
  int closed = 0;
  for (int fd : idle) {
    char c;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 0) == 1 && read(fd, &c, 1) == 0) ++closed;
    close(fd);
  }
  CHECK(closed == 100);
  CHECK((*web)->open_connections() == 0);
}

TEST_CASE("Web server: past max_connections new clients wait for a free slot", "[collector][web]") {
  WebServer::Options options;
  options.max_connections = 2;
  options.read_timeout = absl::Milliseconds(600);
  auto web = WebServer::Start("127.0.0.1:0", OkRoutes(), {}, options);
  REQUIRE(web.ok());
  const std::string addr = (*web)->bound_address();
  int a = Connect(addr), b = Connect(addr);
  REQUIRE(a >= 0);
  REQUIRE(b >= 0);
  absl::SleepFor(absl::Milliseconds(100));
  CHECK((*web)->open_connections() == 2);
  // The third is answered once the idle ones time out, not refused.
  const absl::Time start = absl::Now();
  CHECK(Code(Exchange(addr, Get("/metrics"))) == 200);
  CHECK(absl::Now() - start > absl::Milliseconds(300));
  CHECK((*web)->open_connections() <= 2);
  close(a);
  close(b);
}

}  // namespace
}  // namespace hostmon::collector
