// SPDX-License-Identifier: Apache-2.0
// The probe source against peers in this process on loopback: a tiny HTTP server, a listener
// that never answers (black hole after the handshake), a closed port. The round's timing shows
// that a hanging target costs one timeout and never delays the others.
#include "agent/sources/probe/probe_source.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "agent/sources/probe/probe_modules.h"
#include "fakes/sample_recorder.h"
#include "fakes/source_context.h"
#include "fakes/temp_dir.h"

namespace hostmon::agent {
namespace {

// A listening socket on 127.0.0.1, port chosen by the kernel. Nobody accepts: the kernel
// completes handshakes into the backlog, so a client connects and then waits forever.
class Listener {
 public:
  Listener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    REQUIRE(::listen(fd_, 64) == 0);
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { ::close(fd_); }
  int port() const { return port_; }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// Answers every request with `status` and `body` after `delay`.
class HttpServer {
 public:
  HttpServer(int status, std::string body, absl::Duration delay = absl::ZeroDuration(),
             std::string location = "")
      : status_(status),
        body_(std::move(body)),
        delay_(delay),
        location_(std::move(location)),
        thread_([this] { Serve(); }) {}
  ~HttpServer() {
    stop_ = true;
    thread_.join();
  }
  int port() const { return listener_.port(); }
  int requests() const { return requests_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{listener_.fd(), POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept4(listener_.fd(), nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        req.append(buf, n);
      }
      ++requests_;
      absl::SleepFor(delay_);
      std::string resp =
          absl::StrCat("HTTP/1.1 ", status_, " X\r\nContent-Length: ", body_.size(),
                       location_.empty() ? "" : absl::StrCat("\r\nLocation: ", location_),
                       "\r\nConnection: close\r\n\r\n", body_);
      (void)!::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }

  Listener listener_;
  const int status_;
  const std::string body_;
  const absl::Duration delay_;
  const std::string location_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// A DNS server on 127.0.0.1 (UDP) answering every query with `rcode` and one answer record
// (header only: the probe reads no more); `silent` reads queries and never answers.
class DnsServer {
 public:
  explicit DnsServer(int rcode, bool silent = false) : rcode_(rcode), silent_(silent) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    socklen_t len = sizeof(a);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~DnsServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  int port() const { return port_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[512];
      sockaddr_in from{};
      socklen_t len = sizeof(from);
      ssize_t n = ::recvfrom(fd_, buf, sizeof(buf), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 12 || silent_) continue;
      buf[2] = static_cast<char>(0x81);  // QR, RD
      buf[3] = static_cast<char>(0x80 | rcode_);
      buf[7] = 1;  // ANCOUNT
      ::sendto(fd_, buf, n, 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  const int rcode_;
  const bool silent_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// A port nothing listens on: bound, then closed.
int ClosedPort() {
  Listener l;
  return l.port();
}

struct Probe {
  testing::ScopedTempDir dir;
  std::unique_ptr<testing::TestContext> ctx;
  SourcePtr source;

  explicit Probe(const std::string& targets, const std::string& interval = "1s") {
    std::ofstream(dir.File("probes.yml")) << "interval: " << interval << "\ntargets:\n" << targets;
    ctx = std::make_unique<testing::TestContext>(
        "probe", common::FsRoot(),
        std::map<std::string, std::string>{
            {"config", dir.File("probes.yml")}, {"interval", "1s"}, {"timeout", "10s"}});
    auto s = MakeProbeSource(*ctx);
    INFO(s.status().ToString());
    REQUIRE(s.ok());
    source = std::move(*s);
  }
};

std::string L(const std::string& target, const std::string& module, const std::string& klass,
              const std::string& extra = "") {
  return absl::StrCat("{target=\"", target, "\",module=\"", module, "\",class=\"", klass, "\"",
                      extra, "}");
}

TEST_CASE("probe source without a targets file fails each collection with the reason", "[probe]") {
  testing::TestContext ctx("probe");
  auto src = MakeProbeSource(ctx);
  REQUIRE(src.ok());
  testing::SampleRecorder rec;
  absl::Status s = (*src)->Collect(rec);
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(std::string(s.message()).find("sources_options.probe.config") != std::string::npos);
}

TEST_CASE("probe source: bad targets files are start-up errors naming the file and target",
          "[probe]") {
  testing::ScopedTempDir dir;
  std::ofstream(dir.File("dup.yml")) << "targets:\n"
                                        "  - {name: db, module: tcp, address: 'a:1'}\n"
                                        "  - {name: db, module: tcp, address: 'b:1'}\n";
  testing::TestContext ctx("probe", common::FsRoot(), {{"config", dir.File("dup.yml")}});
  auto dup = MakeProbeSource(ctx);
  REQUIRE_FALSE(dup.ok());
  CHECK(std::string(dup.status().message()) ==
        absl::StrCat("source probe: option \"config\": ", dir.File("dup.yml"),
                     ":3: field \"targets[1].name\": duplicate target name \"db\" (target "
                     "\"db\")"));

  std::ofstream(dir.File("fast.yml")) << "targets:\n"
                                         "  - {name: db, module: tcp, address: 'a:1', interval: "
                                         "5s, timeout: 1s}\n";
  testing::TestContext ctx2("probe", common::FsRoot(), {{"config", dir.File("fast.yml")}});
  auto fast = MakeProbeSource(ctx2);
  REQUIRE_FALSE(fast.ok());
  CHECK(std::string(fast.status().message())
            .find("target \"db\": interval 5s is shorter than "
                  "the source's interval 15s") != std::string::npos);
}

TEST_CASE("probe source: http and tcp against loopback peers", "[probe]") {
  HttpServer ok(200, "all healthy");
  HttpServer broken(500, "oops");
  Listener tcp;
  Probe p(absl::StrCat("  - {name: web, module: http, url: 'http://127.0.0.1:", ok.port(),
                       "/health', class: web, timeout: 1s, body_regex: healthy}\n"
                       "  - {name: nomatch, module: http, url: 'http://127.0.0.1:",
                       ok.port(),
                       "/', timeout: 1s, body_regex: '^down$'}\n"
                       "  - {name: err, module: http, url: 'http://127.0.0.1:",
                       broken.port(),
                       "/', class: api, timeout: 1s}\n"
                       "  - {name: err-ok, module: http, url: 'http://127.0.0.1:",
                       broken.port(),
                       "/', class: api, timeout: 1s, valid_status_codes: [5xx]}\n"
                       "  - {name: db, module: tcp, address: '127.0.0.1:",
                       tcp.port(), "', class: intra_dc, timeout: 1s}\n"));
  testing::SampleRecorder rec = testing::CollectOk(*p.source);

  CHECK(rec.Get("probe_success" + L("web", "http", "web")) == 1);
  CHECK(rec.Get("probe_http_status_code" + L("web", "http", "web")) == 200);
  CHECK(rec.Get("probe_http_content_length" + L("web", "http", "web")) == 11);
  CHECK(rec.Get("probe_http_ssl" + L("web", "http", "web")) == 0);
  CHECK(rec.Get("probe_ip_protocol" + L("web", "http", "web")) == 4);
  CHECK(rec.Get("probe_failed_due_to_regex" + L("web", "http", "web")) == 0);
  for (const char* phase : {"resolve", "connect", "tls", "processing", "transfer"}) {
    INFO(phase);
    const double v = rec.Get("probe_http_duration_seconds" +
                             L("web", "http", "web", absl::StrCat(",phase=\"", phase, "\"")));
    CHECK(v >= 0);
    CHECK(v < 1);
  }
  CHECK(rec.Get("hostmon_probe_duration_seconds_count" + L("web", "http", "web")) == 1);
  CHECK(rec.Get("hostmon_probe_duration_seconds_bucket" +
                L("web", "http", "web", ",le=\"+Inf\"")) == 1);
  CHECK(rec.Get("hostmon_probe_duration_seconds_bucket" + L("web", "http", "web", ",le=\"10\"")) ==
        1);
  CHECK(rec.types["hostmon_probe_duration_seconds_bucket"] == kCounter);

  CHECK(rec.Get("probe_success" + L("nomatch", "http", "none")) == 0);
  CHECK(rec.Get("probe_failed_due_to_regex" + L("nomatch", "http", "none")) == 1);
  CHECK(rec.Get("probe_success" + L("err", "http", "api")) == 0);
  CHECK(rec.Get("probe_http_status_code" + L("err", "http", "api")) == 500);
  CHECK(rec.Get("probe_success" + L("err-ok", "http", "api")) == 1);

  CHECK(rec.Get("probe_success" + L("db", "tcp", "intra_dc")) == 1);
  const double connect = rec.Get("hostmon_probe_tcp_duration_seconds" +
                                 L("db", "tcp", "intra_dc", ",phase=\"connect\""));
  CHECK(connect >= 0);
  CHECK(connect < 1);
  CHECK(rec.Get("hostmon_probe_duration_seconds_count" + L("db", "tcp", "intra_dc")) == 1);
  CHECK_FALSE(rec.Has("probe_ssl_earliest_cert_expiry" + L("db", "tcp", "intra_dc")));

  // The next round, once the interval (1s, half a tick of slack) has passed, adds one
  // observation each; before it, the last results are exported again unchanged.
  testing::SampleRecorder early = testing::CollectOk(*p.source);
  CHECK(early.Get("hostmon_probe_duration_seconds_count" + L("web", "http", "web")) == 1);
  absl::SleepFor(absl::Milliseconds(600));
  testing::SampleRecorder again = testing::CollectOk(*p.source);
  CHECK(again.Get("hostmon_probe_duration_seconds_count" + L("web", "http", "web")) == 2);
  CHECK(again.Get("hostmon_probe_duration_seconds_count" + L("db", "tcp", "intra_dc")) == 2);
  CHECK(ok.requests() == 4);
}

TEST_CASE("probe source: redirects followed or not", "[probe]") {
  HttpServer ok(200, "ok");
  HttpServer moved(302, "", absl::ZeroDuration(),
                   absl::StrCat("http://127.0.0.1:", ok.port(), "/there"));
  Probe p(absl::StrCat("  - {name: follow, module: http, url: 'http://127.0.0.1:", moved.port(),
                       "/', timeout: 1s}\n"
                       "  - {name: stay, module: http, url: 'http://127.0.0.1:",
                       moved.port(), "/', timeout: 1s, follow_redirects: false}\n"));
  testing::SampleRecorder rec = testing::CollectOk(*p.source);
  CHECK(rec.Get("probe_success" + L("follow", "http", "none")) == 1);
  CHECK(rec.Get("probe_http_status_code" + L("follow", "http", "none")) == 200);
  CHECK(rec.Get("probe_http_redirects" + L("follow", "http", "none")) == 1);
  CHECK(rec.Get("probe_success" + L("stay", "http", "none")) == 0);  // 302 is not 2xx
  CHECK(rec.Get("probe_http_status_code" + L("stay", "http", "none")) == 302);
  CHECK(rec.Get("probe_http_redirects" + L("stay", "http", "none")) == 0);
}

TEST_CASE("probe source: black-holed targets cost one timeout and never delay the others",
          "[probe]") {
  HttpServer healthy(200, "ok");
  Listener hole1, hole2, hole3;  // connect succeeds, nothing ever answers
  const int closed = ClosedPort();
  Probe p(absl::StrCat("  - {name: hole1, module: http, url: 'http://127.0.0.1:", hole1.port(),
                       "/', timeout: 1s}\n"
                       "  - {name: hole2, module: http, url: 'http://127.0.0.1:",
                       hole2.port(),
                       "/', timeout: 1s}\n"
                       "  - {name: hole3, module: tcp, address: '192.0.2.1:",
                       hole3.port(), "', timeout: 1s}\n",
                       "  - {name: gone, module: tcp, address: '127.0.0.1:", closed,
                       "', timeout: 1s}\n",
                       "  - {name: healthy, module: http, url: 'http://127.0.0.1:", healthy.port(),
                       "/', class: web, timeout: 1s}\n"));
  const absl::Time start = absl::Now();
  testing::SampleRecorder rec = testing::CollectOk(*p.source);
  const absl::Duration round = absl::Now() - start;
  INFO("round took " << absl::FormatDuration(round));
  // Three targets of 1s each hang: the round ends after about one timeout, not three.
  CHECK(round >= absl::Milliseconds(900));
  CHECK(round < absl::Milliseconds(2500));
  CHECK(rec.Get("probe_success" + L("hole1", "http", "none")) == 0);
  CHECK(rec.Get("probe_success" + L("hole2", "http", "none")) == 0);
  CHECK(rec.Get("probe_success" + L("hole3", "tcp", "none")) == 0);
  CHECK(rec.Get("probe_duration_seconds" + L("hole1", "http", "none")) >= 0.9);
  CHECK(rec.Get("probe_duration_seconds" + L("hole1", "http", "none")) < 2);
  // A timed-out probe is observed at its timeout (a target slower than its timeout raises the
  // response-time mean); a refused one adds nothing.
  CHECK(rec.Get("hostmon_probe_duration_seconds_count" + L("hole1", "http", "none")) == 1);
  CHECK(rec.Get("hostmon_probe_duration_seconds_sum" + L("hole1", "http", "none")) >= 0.9);
  CHECK(rec.Get("hostmon_probe_duration_seconds_count" + L("gone", "tcp", "none")) == 0);
  // An unreachable (closed) port fails at once.
  CHECK(rec.Get("probe_success" + L("gone", "tcp", "none")) == 0);
  CHECK(rec.Get("probe_duration_seconds" + L("gone", "tcp", "none")) < 0.5);
  // The healthy target's result is on time: its probe took milliseconds, not the holes' second.
  CHECK(rec.Get("probe_success" + L("healthy", "http", "web")) == 1);
  CHECK(rec.Get("probe_duration_seconds" + L("healthy", "http", "web")) < 0.5);
}

TEST_CASE("probe source: with fewer threads than due targets the round still ends in budget",
          "[probe]") {
  Listener hole1, hole2, hole3;
  testing::ScopedTempDir dir;
  std::ofstream(dir.File("p.yml")) << absl::StrCat(
      "targets:\n"
      "  - {name: h1, module: http, url: 'http://127.0.0.1:",
      hole1.port(), "/', timeout: 1s}\n",
      "  - {name: h2, module: http, url: 'http://127.0.0.1:", hole2.port(), "/', timeout: 1s}\n",
      "  - {name: h3, module: http, url: 'http://127.0.0.1:", hole3.port(), "/', timeout: 1s}\n");
  // One thread, a 2s round (budget 1.8s): h1 takes its 1s, h2 is cut at 1.8s, h3 never starts.
  testing::TestContext ctx(
      "probe", common::FsRoot(),
      {{"config", dir.File("p.yml")}, {"interval", "2s"}, {"timeout", "2s"}, {"parallel", "1"}});
  auto src = MakeProbeSource(ctx);
  REQUIRE(src.ok());
  const absl::Time start = absl::Now();
  testing::SampleRecorder rec = testing::CollectOk(**src);
  const absl::Duration round = absl::Now() - start;
  INFO("round took " << absl::FormatDuration(round));
  CHECK(round < absl::Milliseconds(1990));
  for (const char* t : {"h1", "h2", "h3"}) {
    INFO(t);
    CHECK(rec.Get("probe_success" + L(t, "http", "none")) == 0);
  }
  CHECK(rec.Get("probe_duration_seconds" + L("h2", "http", "none")) < 0.95);
}

TEST_CASE("probe: a timed-out or refused probe says which target step failed", "[probe]") {
  Listener hole;
  probe::TargetConfig t;
  t.name = "hole";
  t.module = probe::Module::kHttp;
  t.url = absl::StrCat("http://127.0.0.1:", hole.port(), "/x");
  probe::ProbeResult r = probe::RunProbe(t, absl::Now() + absl::Milliseconds(300));
  CHECK_FALSE(r.success);
  CHECK(r.error.find("GET http://127.0.0.1:") == 0);
  CHECK(r.error.find("timed out") != std::string::npos);

  probe::TargetConfig c;
  c.module = probe::Module::kTcp;
  c.address = absl::StrCat("127.0.0.1:", ClosedPort());
  r = probe::RunProbe(c, absl::Now() + absl::Seconds(1));
  CHECK_FALSE(r.success);
  CHECK(r.error.find("refused") != std::string::npos);
}

TEST_CASE("probe source: dns queries over UDP", "[probe]") {
  DnsServer ok(0), nx(3), silent(0, /*silent=*/true);
  Probe p(absl::StrCat("  - {name: ok, module: dns, server: '127.0.0.1:", ok.port(),
                       "', query_name: example.org, class: intra_dc, timeout: 1s}\n"
                       "  - {name: nx, module: dns, server: '127.0.0.1:",
                       nx.port(),
                       "', query_name: example.org, timeout: 1s}\n"
                       "  - {name: nx-ok, module: dns, server: '127.0.0.1:",
                       nx.port(),
                       "', query_name: example.org, timeout: 1s, valid_rcodes: [NXDOMAIN]}\n"
                       "  - {name: silent, module: dns, server: '127.0.0.1:",
                       silent.port(), "', query_name: example.org, timeout: 1s}\n"));
  testing::SampleRecorder rec = testing::CollectOk(*p.source);
  CHECK(rec.Get("probe_success" + L("ok", "dns", "intra_dc")) == 1);
  CHECK(rec.Get("probe_dns_query_succeeded" + L("ok", "dns", "intra_dc")) == 1);
  CHECK(rec.Get("probe_dns_answer_rrs" + L("ok", "dns", "intra_dc")) == 1);
  CHECK(rec.Get("probe_dns_duration_seconds" + L("ok", "dns", "intra_dc", ",phase=\"request\"")) <
        0.5);
  CHECK(rec.Get("hostmon_probe_duration_seconds_count" + L("ok", "dns", "intra_dc")) == 1);
  CHECK(rec.Get("probe_success" + L("nx", "dns", "none")) == 0);
  CHECK(rec.Get("probe_dns_query_succeeded" + L("nx", "dns", "none")) == 1);
  CHECK(rec.Get("probe_success" + L("nx-ok", "dns", "none")) == 1);
  CHECK(rec.Get("probe_success" + L("silent", "dns", "none")) == 0);
  CHECK(rec.Get("probe_dns_query_succeeded" + L("silent", "dns", "none")) == 0);
  CHECK(rec.Get("probe_duration_seconds" + L("silent", "dns", "none")) >= 0.9);
  CHECK_FALSE(rec.Has("probe_dns_answer_rrs" + L("silent", "dns", "none")));
}

// ICMP needs the kernel's permission (net.ipv4.ping_group_range). Where it is given, echo
// 127.0.0.1; where it is not, the start-up error names the sysctl and the fallback.
TEST_CASE("probe: icmp echo, or the start-up error that names ping_group_range", "[probe]") {
  absl::Status allowed = probe::CheckIcmpAllowed();
  testing::ScopedTempDir dir;
  std::ofstream(dir.File("p.yml"))
      << "targets:\n  - {name: lo, module: icmp, host: 127.0.0.1, count: 2, timeout: 2s, "
         "class: intra_dc}\n";
  testing::TestContext ctx("probe", common::FsRoot(),
                           {{"config", dir.File("p.yml")}, {"interval", "1s"}});
  auto src = MakeProbeSource(ctx);
  if (!allowed.ok()) {
    REQUIRE_FALSE(src.ok());
    const std::string m(src.status().message());
    CHECK(m.find("targets lo: module icmp:") != std::string::npos);
    CHECK(m.find("net.ipv4.ping_group_range") != std::string::npos);
    CHECK(m.find("module tcp") != std::string::npos);
    return;
  }
  REQUIRE(src.ok());
  testing::SampleRecorder rec = testing::CollectOk(**src);
  CHECK(rec.Get("probe_success" + L("lo", "icmp", "intra_dc")) == 1);
  CHECK(rec.Get("hostmon_probe_loss_ratio" + L("lo", "icmp", "intra_dc")) == 0);
  CHECK(rec.Get("hostmon_probe_duration_seconds_count" + L("lo", "icmp", "intra_dc")) == 2);
  CHECK(rec.Get("probe_icmp_duration_seconds" + L("lo", "icmp", "intra_dc", ",phase=\"rtt\"")) <
        0.5);
}

}  // namespace
}  // namespace hostmon::agent
