// SPDX-License-Identifier: Apache-2.0
#include "collector/remote_write/transport.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "common/http/http_client.h"

namespace hostmon::collector::remote_write {
namespace {

class HttpTransport : public Transport {
 public:
  HttpTransport(std::string url, std::unique_ptr<common::HttpClient> client)
      : url_(std::move(url)), client_(std::move(client)) {}

  SendResult Post(const std::string& body) override {
    SendResult r;
    absl::StatusOr<common::HttpResponse> response =
        client_->Post(url_, body, "application/x-protobuf");
    if (!response.ok()) {
      r.error = std::string(response.status().message());
      return r;
    }
    r.http_status = response->status;
    if (r.http_status < 200 || r.http_status > 299) {
      // Only the start of an error body is kept, for the log line.
      r.error = std::string(absl::StripTrailingAsciiWhitespace(response->body.substr(0, 512)));
    }
    return r;
  }

  void Abort() override { client_->Abort(); }

 private:
  const std::string url_;
  const std::unique_ptr<common::HttpClient> client_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Transport>> MakeCurlTransport(const RemoteWriteConfig& c) {
  common::HttpClientOptions o;
  o.ca_file = c.tls_ca_file;
  o.insecure_skip_verify = c.tls_insecure_skip_verify;
  o.bearer_token_file = c.bearer_token_file;
  o.basic_auth_username = c.basic_auth_username;
  o.basic_auth_password_file = c.basic_auth_password_file;
  o.headers = {{"Content-Encoding", "snappy"}, {"X-Prometheus-Remote-Write-Version", "0.1.0"}};
  for (const auto& [name, value] : c.headers) o.headers.emplace_back(name, value);
  o.timeout = c.remote_timeout;
  auto client = common::HttpClient::Create(std::move(o));
  if (!client.ok()) return client.status();
  return std::unique_ptr<Transport>(new HttpTransport(c.url, *std::move(client)));
}

Outcome Classify(const SendResult& r) {
  if (r.http_status >= 200 && r.http_status <= 299) return Outcome::kDelivered;
  if (r.http_status == 0 || r.http_status == 429 || r.http_status >= 500) return Outcome::kRetry;
  return Outcome::kRejected;
}

const char* FailureReason(const SendResult& r) {
  if (r.http_status == 0) return "network";
  if (r.http_status == 429) return "http_429";
  if (r.http_status >= 500) return "http_5xx";
  return "http_4xx";
}

}  // namespace hostmon::collector::remote_write
