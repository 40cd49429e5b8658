// SPDX-License-Identifier: Apache-2.0
// The collector's HTTP server over loopback: basic auth, request limits, deadlines for idle and
// slow clients, the connection cap. TLS with a real Prometheus: tests/e2e/web_auth_test.py.
#include "collector/web_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/http/gzip.h"

namespace hostmon::collector {
namespace {

// `rcvbuf` > 0: a small receive buffer, so that a client that stops reading stops the server
// soon (the kernel would otherwise take megabytes on its behalf).
int Connect(const std::string& address, int rcvbuf = 0) {
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &port)) return -1;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
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

// Field 19 of /proc/self/task/TID/stat (after the parenthesised name, which may hold spaces).
int NiceOfTask(const std::string& tid) {
  std::ifstream in("/proc/self/task/" + tid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> fields = absl::StrSplit(stat.substr(stat.rfind(')') + 2), ' ');
  int nice = 0;
  return fields.size() > 16 && absl::SimpleAtoi(fields[16], &nice) ? nice : -100;
}

TEST_CASE("Web server: its threads yield to the others (nice value)", "[collector][web]") {
  const std::string self = std::to_string(syscall(SYS_gettid));
  const int base = NiceOfTask(self);  // the suite may itself run under `nice`
  REQUIRE(base > -100);
  auto web = WebServer::Start("127.0.0.1:0", OkRoutes());
  REQUIRE(web.ok());
  REQUIRE(Code(Exchange((*web)->bound_address(), Get("/metrics"))) == 200);
  int web_threads = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream comm(entry.path() / "comm");
    std::string name;
    std::getline(comm, name);
    if (name == "hm-web" || name == "hm-web-loop") {
      ++web_threads;
      CHECK(NiceOfTask(entry.path().filename()) ==
            std::min(19, base + WebServer::kWebThreadNiceSteps));
    }
  }
  CHECK(web_threads >= 2);          // the loop and at least one worker
  CHECK(NiceOfTask(self) == base);  // only the web threads yield
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

// ---------------------------------------------------------------------------------------------
// Streamed answers

// Decodes a chunked body into *out; false when malformed or cut short (no last chunk).
bool Dechunk(absl::string_view in, std::string* out) {
  out->clear();
  while (true) {
    const size_t eol = in.find("\r\n");
    if (eol == absl::string_view::npos) return false;
    const std::string size_text(in.substr(0, eol));
    char* end = nullptr;
    const size_t size = std::strtoull(size_text.c_str(), &end, 16);
    if (size_text.empty() || *end != '\0') return false;
    in.remove_prefix(eol + 2);
    if (size == 0) return in == "\r\n";
    if (in.size() < size + 2 || in.substr(size, 2) != "\r\n") return false;
    out->append(in.data(), size);
    in.remove_prefix(size + 2);
  }
}

std::string HeadOf(const std::string& r) { return r.substr(0, r.find("\r\n\r\n") + 4); }
std::string BodyOf(const std::string& r) { return r.substr(r.find("\r\n\r\n") + 4); }

// What an endless producer did: bytes handed to `write`, and when `write` said stop.
struct Endless {
  std::atomic<int64_t> produced{0};
  std::atomic<bool> stopped{false};
  std::atomic<int> runs{0};
};

// Stream routes over a text of `big` bytes, and an endless body.
std::map<std::string, WebServer::StreamHandler> StreamRoutes(const std::string* big,
                                                             Endless* endless,
                                                             std::atomic<int>* big_runs) {
  std::map<std::string, WebServer::StreamHandler> routes;
  routes["/big"] = [big, big_runs](const WebServer::Request&, std::string*, std::string*,
                                   WebServer::BodyProducer* producer) {
    *producer = [big, big_runs](const WebServer::BodyWriter& write) {
      ++*big_runs;
      for (size_t pos = 0; pos < big->size(); pos += 65536) {
        if (!write(absl::string_view(*big).substr(pos, 65536))) return false;
      }
      return true;
    };
    return 200;
  };
  routes["/short"] = [](const WebServer::Request&, std::string*, std::string* type,
                        WebServer::BodyProducer* producer) {
    *type = "text/x-short";
    *producer = [](const WebServer::BodyWriter& write) {
      return write("up 1\n") && write("up 1\n");
    };
    return 200;
  };
  routes["/missing"] = [](const WebServer::Request&, std::string* body, std::string*,
                          WebServer::BodyProducer*) {
    *body = "no such thing\n";
    return 404;
  };
  // The first MiB, then a failure: the answer is cut short.
  routes["/fails"] = [big](const WebServer::Request&, std::string*, std::string*,
                           WebServer::BodyProducer* producer) {
    *producer = [big](const WebServer::BodyWriter& write) {
      write(absl::string_view(*big).substr(0, 1 << 20));
      return false;
    };
    return 200;
  };
  routes["/endless"] = [endless](const WebServer::Request&, std::string*, std::string*,
                                 WebServer::BodyProducer* producer) {
    *producer = [endless](const WebServer::BodyWriter& write) {
      endless->runs++;
      const std::string piece(65536, 'x');
      while (write(piece)) endless->produced += static_cast<int64_t>(piece.size());
      endless->stopped = true;
      return false;
    };
    return 200;
  };
  return routes;
}

std::string BigText(size_t bytes) {
  std::string text;
  for (int i = 0; text.size() < bytes; ++i) {
    absl::StrAppend(&text, "node_network_receive_bytes_total{device=\"eth", i % 97, "\",n=\"", i,
                    "\"} ", i * 7919 % 1000003, "\n");
  }
  return text;
}

// Waits up to `timeout` for `done`.
template <typename F>
bool WaitFor(F done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return true;
}

// A server with the stream routes above, over a text of `big_bytes`.
struct StreamServer {
  explicit StreamServer(WebServer::Options options = {}, size_t big_bytes = 1 << 20)
      : big(BigText(big_bytes)) {
    auto started = WebServer::Start("127.0.0.1:0", OkRoutes(), {}, std::move(options),
                                    StreamRoutes(&big, &endless, &big_runs));
    if (started.ok()) web = std::move(*started);
  }
  std::string addr() const { return web->bound_address(); }

  std::string big;
  Endless endless;
  std::atomic<int> big_runs{0};
  std::unique_ptr<WebServer> web;
};

// Connects with a small receive buffer and sends GET `path`; -1 on failure.
int StartGet(const std::string& addr, const std::string& path) {
  int fd = Connect(addr, 16384);
  const std::string req = Get(path);
  if (fd >= 0 &&
      send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return -1;
  }
  return fd;
}

// Reads at least `bytes` from `fd` (each read within 5 s); what was read, or -1.
int64_t ReadAtLeast(int fd, int64_t bytes) {
  int64_t received = 0;
  char buf[16384];
  while (received < bytes) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 5000) != 1) return -1;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return -1;
    received += n;
  }
  return received;
}

TEST_CASE("Web server: streamed bodies arrive whole, chunked, gzipped or unframed for HTTP/1.0",
          "[collector][web][stream]") {
  StreamServer server({}, 12 << 20);
  REQUIRE(server.web != nullptr);
  const std::string addr = server.addr();
  const std::string& big = server.big;
  std::atomic<int>& big_runs = server.big_runs;
  std::string body;

  std::string r = Exchange(addr, Get("/big"), absl::Seconds(30));
  REQUIRE(Code(r) == 200);
  CHECK(absl::StrContains(HeadOf(r), "\r\nTransfer-Encoding: chunked\r\n"));
  CHECK_FALSE(absl::StrContains(HeadOf(r), "Content-Length"));
  CHECK_FALSE(absl::StrContains(HeadOf(r), "Content-Encoding"));
  REQUIRE(Dechunk(BodyOf(r), &body));
  CHECK(body.size() == big.size());
  CHECK(body == big);

  r = Exchange(addr, Get("/big", "Accept-Encoding: gzip\r\n"), absl::Seconds(30));
  REQUIRE(Code(r) == 200);
  CHECK(absl::StrContains(HeadOf(r), "\r\nContent-Encoding: gzip\r\n"));
  CHECK(absl::StrContains(HeadOf(r), "\r\nVary: Accept-Encoding\r\n"));
  REQUIRE(Dechunk(BodyOf(r), &body));
  CHECK(body.size() * 4 < big.size());
  auto plain = common::http::GzipDecompress(body, big.size());
  REQUIRE(plain.ok());
  CHECK(*plain == big);

  // HTTP/1.0 knows no chunks: the body runs to the close.
  r = Exchange(addr, "GET /big HTTP/1.0\r\n\r\n", absl::Seconds(30));
  REQUIRE(Code(r) == 200);
  CHECK_FALSE(absl::StrContains(HeadOf(r), "Transfer-Encoding"));
  CHECK(BodyOf(r) == big);

  // A short body is an ordinary answer; a whole body (an error) as well.
  r = Exchange(addr, Get("/short", "Accept-Encoding: gzip\r\n"));
  CHECK(absl::EndsWith(
      r,
      "Content-Type: text/x-short\r\nContent-Length: 10\r\nCache-Control: no-store\r\n"
      "Connection: close\r\n\r\nup 1\nup 1\n"));
  r = Exchange(addr, Get("/missing"));
  CHECK(Code(r) == 404);
  CHECK(absl::EndsWith(r,
                       "Content-Length: 14\r\nCache-Control: no-store\r\nConnection: "
                       "close\r\n\r\nno such thing\n"));

  // HEAD: the head only; the body is not produced.
  const int runs = big_runs.load();
  r = Exchange(addr, "HEAD /big HTTP/1.1\r\n\r\n");
  CHECK(Code(r) == 200);
  CHECK(absl::EndsWith(r, "Cache-Control: no-store\r\nConnection: close\r\n\r\n"));
  CHECK_FALSE(absl::StrContains(r, "Transfer-Encoding"));
  CHECK(big_runs.load() == runs);

  // A producer that fails midway: no last chunk, so the client knows the body is incomplete.
  r = Exchange(addr, Get("/fails"), absl::Seconds(10));
  CHECK(Code(r) == 200);
  CHECK_FALSE(Dechunk(BodyOf(r), &body));
  CHECK(BodyOf(r).size() > (1 << 20));
  CHECK(server.web->open_connections() == 0);
}

TEST_CASE("Web server: a streamed answer waits for a slow reader with bounded memory",
          "[collector][web][stream]") {
  WebServer::Options options;
  options.workers = 2;
  StreamServer server(options);
  REQUIRE(server.web != nullptr);
  const std::string addr = server.addr();
  Endless& endless = server.endless;
  int fd = StartGet(addr, "/endless");
  REQUIRE(fd >= 0);
  // Read 1 MiB, then stop reading.
  const int64_t received = ReadAtLeast(fd, 1 << 20);
  REQUIRE(received > 0);
  // The producer stalls: it is not called ahead of the socket beyond the server's queue and the
  // kernel's socket buffers (an endless body that did not wait would run to gigabytes).
  int64_t last = -1;
  REQUIRE(WaitFor(
      [&] {
        const int64_t now = endless.produced.load();
        const bool still = now == last;
        last = now;
        if (!still) absl::SleepFor(absl::Milliseconds(300));
        return still;
      },
      absl::Seconds(10)));
  // The kernel's part: at most the largest send buffer it grows a TCP socket to (tcp_wmem's
  // third field), plus 1 MiB for the client's receive queue and the counting (a piece is counted
  // once written).
  int64_t wmem_max = 4 << 20;
  {
    std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
    int64_t lo = 0, def = 0;
    wmem >> lo >> def >> wmem_max;
  }
  const int64_t bound = wmem_max + (1 << 20) +
                        2 * static_cast<int64_t>(WebServer::kStreamQueueBytes) +
                        static_cast<int64_t>(WebServer::kStreamStartBytes);
  INFO("produced " << endless.produced.load() << " received " << received << " bound " << bound);
  CHECK(endless.produced.load() - received < bound);
  CHECK_FALSE(endless.stopped.load());
  // Meanwhile the server answers others.
  CHECK(Code(Exchange(addr, Get("/metrics"))) == 200);
  // Reading on resumes the producer.
  const int64_t stalled_at = endless.produced.load();
  REQUIRE(ReadAtLeast(fd, 4 << 20) > 0);
  CHECK(endless.produced.load() > stalled_at);
  close(fd);
}

TEST_CASE("Web server: past workers - 1 streams, a streamed route answers whole",
          "[collector][web][stream]") {
  WebServer::Options options;
  options.workers = 2;  // one stream at a time
  StreamServer server(options);
  REQUIRE(server.web != nullptr);
  // A reader that never reads holds the one stream slot (and its worker).
  int fd = StartGet(server.addr(), "/endless");
  REQUIRE(fd >= 0);
  REQUIRE(WaitFor([&] { return server.endless.produced.load() > (256 << 10); }, absl::Seconds(5)));
  std::string r = Exchange(server.addr(), Get("/big"), absl::Seconds(10));
  REQUIRE(Code(r) == 200);
  CHECK(absl::StrContains(HeadOf(r),
                          absl::StrCat("\r\nContent-Length: ", server.big.size(), "\r\n")));
  CHECK(BodyOf(r) == server.big);
  CHECK(Code(Exchange(server.addr(), Get("/metrics"))) == 200);
  // Once that stream ends, the slot is free again.
  close(fd);
  REQUIRE(WaitFor([&] { return server.endless.stopped.load(); }, absl::Seconds(5)));
  absl::SleepFor(absl::Milliseconds(100));
  r = Exchange(server.addr(), Get("/big"), absl::Seconds(10));
  CHECK(absl::StrContains(HeadOf(r), "\r\nTransfer-Encoding: chunked\r\n"));
}

TEST_CASE("Web server: a streamed answer stops at write_timeout or when the client leaves",
          "[collector][web][stream]") {
  WebServer::Options options;
  options.workers = 1;  // a worker stuck with a stream would block every later request
  options.write_timeout = absl::Seconds(1);

  SECTION("a client that stops reading is cut at write_timeout") {
    StreamServer server(options);
    REQUIRE(server.web != nullptr);
    const std::string addr = server.addr();
    Endless& endless = server.endless;
    const absl::Time start = absl::Now();
    int fd = StartGet(addr, "/endless");
    REQUIRE(fd >= 0);
    REQUIRE(WaitFor([&] { return endless.stopped.load(); }, absl::Seconds(10)));
    const absl::Duration took = absl::Now() - start;
    CHECK(took > absl::Milliseconds(900));
    CHECK(took < absl::Seconds(3));
    // The worker is free again, and the connection is gone.
    CHECK(Code(Exchange(addr, Get("/metrics"))) == 200);
    CHECK(WaitFor([&] { return server.web->open_connections() == 0; }, absl::Seconds(2)));
    close(fd);
  }
  SECTION("a client that disconnects mid-body stops the producer") {
    options.write_timeout = absl::Seconds(60);
    StreamServer server(options);
    REQUIRE(server.web != nullptr);
    int fd = StartGet(server.addr(), "/endless");
    REQUIRE(fd >= 0);
    REQUIRE(ReadAtLeast(fd, 1 << 20) > 0);
    const absl::Time left = absl::Now();
    close(fd);
    REQUIRE(WaitFor([&] { return server.endless.stopped.load(); }, absl::Seconds(10)));
    CHECK(absl::Now() - left < absl::Seconds(2));
    CHECK(Code(Exchange(server.addr(), Get("/metrics"))) == 200);
  }
  SECTION("shutdown while a stream waits for its reader") {
    options.write_timeout = absl::Seconds(60);
    StreamServer server(options);
    REQUIRE(server.web != nullptr);
    Endless& endless = server.endless;
    int fd = StartGet(server.addr(), "/endless");
    REQUIRE(fd >= 0);
    REQUIRE(WaitFor([&] { return endless.produced.load() > (256 << 10); }, absl::Seconds(5)));
    const absl::Time start = absl::Now();
    server.web.reset();
    CHECK(absl::Now() - start < absl::Seconds(2));
    CHECK(endless.stopped.load());
    close(fd);
  }
}

}  // namespace
}  // namespace hostmon::collector
