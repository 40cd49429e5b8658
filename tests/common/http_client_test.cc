// SPDX-License-Identifier: Apache-2.0
// common::HttpClient against a minimal HTTP/1.1 server on loopback that records the raw requests,
// so that headers (auth, content type, extra headers) are checked as they go over the wire.
#include "common/http/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "fakes/temp_dir.h"

namespace hostmon::common {
namespace {

// Serves one connection at a time and closes it after each answer ("Connection: close"). With
// `hang` it reads the request and never answers (a receiver that hangs).
class RecordingServer {
 public:
  RecordingServer(int status, std::string body, bool hang = false)
      : status_(status), body_(std::move(body)), hang_(hang) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0);
    REQUIRE(listen(fd_, 8) == 0);
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~RecordingServer() {
    shutdown(fd_, SHUT_RDWR);
    {
      absl::MutexLock lock(&mu_);
      if (conn_ >= 0) shutdown(conn_, SHUT_RDWR);
    }
    thread_.join();
    close(fd_);
  }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", port_, "/write"); }
  std::vector<std::string> requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  void Serve() {
    while (true) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      {
        absl::MutexLock lock(&mu_);
        conn_ = c;
      }
      std::string req;
      char buf[4096];
      size_t want = std::string::npos;
      while (want == std::string::npos || req.size() < want) {
        ssize_t n = recv(c, buf, sizeof(buf), 0);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
        size_t end = req.find("\r\n\r\n");
        if (want == std::string::npos && end != std::string::npos) {
          std::string head = absl::AsciiStrToLower(req.substr(0, end));
          size_t cl = head.find("content-length: ");
          size_t length = 0;
          if (cl != std::string::npos) {
            (void)absl::SimpleAtoi(head.substr(cl + 16, head.find("\r\n", cl) - cl - 16), &length);
          }
          want = end + 4 + length;
        }
      }
      {
        absl::MutexLock lock(&mu_);
        requests_.push_back(req);
      }
      if (hang_) {
        while (recv(c, buf, sizeof(buf), 0) > 0) {
        }
      } else {
        std::string answer =
            absl::StrCat("HTTP/1.1 ", status_, " X\r\nContent-Length: ", body_.size(),
                         "\r\nConnection: close\r\n\r\n", body_);
        (void)send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
      }
      {
        absl::MutexLock lock(&mu_);
        conn_ = -1;
      }
      close(c);
    }
  }

  const int status_;
  const std::string body_;
  const bool hang_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  absl::Mutex mu_;
  int conn_ ABSL_GUARDED_BY(mu_) = -1;
  std::vector<std::string> requests_ ABSL_GUARDED_BY(mu_);
};

bool Has(const std::string& request, const std::string& line) {
  return request.find("\r\n" + line + "\r\n") != std::string::npos;
}

TEST_CASE("HttpClient POSTs body, content type, user agent and headers", "[common][http]") {
  RecordingServer server(503, "overloaded, try later\n");
  HttpClientOptions o;
  o.headers = {{"X-Scope-OrgID", "tenant1"}};
  o.user_agent = "hostmon-test/1";
  o.max_response_body = 10;
  HttpClient client(o);
  auto r = client.Post(server.url(), "payload", "application/x-protobuf",
                       {{"Content-Encoding", "snappy"}});
  REQUIRE(r.ok());
  CHECK(r->status == 503);
  CHECK(r->body == "overloaded");  // capped at max_response_body
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].rfind("POST /write HTTP/1.1\r\n", 0) == 0);
  CHECK(Has(reqs[0], "Content-Type: application/x-protobuf"));
  CHECK(Has(reqs[0], "User-Agent: hostmon-test/1"));
  CHECK(Has(reqs[0], "X-Scope-OrgID: tenant1"));
  CHECK(Has(reqs[0], "Content-Encoding: snappy"));
  CHECK(reqs[0].find("Authorization") == std::string::npos);
  CHECK(reqs[0].substr(reqs[0].size() - 7) == "payload");
}

TEST_CASE("HttpClient re-reads the bearer token file at every request", "[common][http]") {
  RecordingServer server(200, "");
  testing::ScopedTempDir dir;
  HttpClientOptions o;
  o.bearer_token_file = dir.Write("token", "first\n");
  auto client = HttpClient::Create(o);
  REQUIRE(client.ok());
  REQUIRE((*client)->Post(server.url(), "a", "text/plain").ok());
  dir.Write("token", "  rotated \n");
  REQUIRE((*client)->Post(server.url(), "b", "text/plain").ok());
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 2);
  CHECK(Has(reqs[0], "Authorization: Bearer first"));
  CHECK(Has(reqs[1], "Authorization: Bearer rotated"));

  // A token file that vanished fails the request (no HTTP request is made) naming the file.
  REQUIRE(unlink(o.bearer_token_file.c_str()) == 0);
  auto r = (*client)->Post(server.url(), "c", "text/plain");
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "cannot read bearer_token_file " + o.bearer_token_file);
  CHECK(server.requests().size() == 2);
}

TEST_CASE("HttpClient sends basic auth with the password from its file", "[common][http]") {
  RecordingServer server(204, "");
  testing::ScopedTempDir dir;
  HttpClientOptions o;
  o.basic_auth_username = "hostmon";
  o.basic_auth_password_file = dir.Write("pw", "s3cret\n");
  HttpClient client(o);
  auto r = client.Post(server.url(), "x", "text/plain");
  REQUIRE(r.ok());
  CHECK(r->status == 204);
  auto reqs = server.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(Has(reqs[0], "Authorization: Basic aG9zdG1vbjpzM2NyZXQ="));  // base64("hostmon:s3cret")
}

TEST_CASE("HttpClient options are validated naming the option and file", "[common][http]") {
  CHECK(ValidateHttpClientOptions(HttpClientOptions{}).ok());
  HttpClientOptions o;
  o.bearer_token_file = "/nonexistent/token";
  CHECK(ValidateHttpClientOptions(o).message() ==
        "cannot read bearer_token_file /nonexistent/token");
  CHECK(HttpClient::Create(o).status().message() ==
        "cannot read bearer_token_file /nonexistent/token");
  testing::ScopedTempDir dir;
  o.bearer_token_file = dir.Write("token", "s3cret\n");
  CHECK(ValidateHttpClientOptions(o).ok());
  o.basic_auth_username = "am";
  CHECK(ValidateHttpClientOptions(o).message() ==
        "bearer token and basic auth are mutually exclusive");
  o = HttpClientOptions{};
  o.basic_auth_password_file = dir.Write("pw", "x");
  CHECK(ValidateHttpClientOptions(o).message() ==
        "basic auth password file given without a username");
  o = HttpClientOptions{};
  o.ca_file = "/nonexistent/ca.pem";
  CHECK(ValidateHttpClientOptions(o).message() == "cannot read ca_file /nonexistent/ca.pem");
  o.ca_file = "";
  o.basic_auth_username = "u";
  o.basic_auth_password_file = "/nonexistent/pw";
  CHECK(ValidateHttpClientOptions(o).message() ==
        "cannot read basic_auth.password_file /nonexistent/pw");
}

TEST_CASE("HttpClient: no answer is an error, Abort ends a hung request and later ones",
          "[common][http]") {
  std::string refused_url;
  {
    RecordingServer gone(200, "");
    refused_url = gone.url();
  }
  HttpClient client(HttpClientOptions{});
  auto refused = client.Post(refused_url, "x", "text/plain");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == absl::StatusCode::kUnavailable);

  RecordingServer hung(200, "", /*hang=*/true);
  absl::StatusOr<HttpResponse> r;
  // A 60 s timeout: only Abort() can end this request early; a timeout would not be kCancelled.
  std::thread t([&] { r = client.Post(hung.url(), "x", "text/plain", {}, absl::Seconds(60)); });
  while (hung.requests().empty()) absl::SleepFor(absl::Milliseconds(5));
  client.Abort();
  t.join();
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == absl::StatusCode::kCancelled);
  auto later = client.Post(hung.url(), "y", "text/plain");
  CHECK(later.status().code() == absl::StatusCode::kCancelled);
  CHECK(hung.requests().size() == 1);
}

}  // namespace
}  // namespace hostmon::common
