// SPDX-License-Identifier: Apache-2.0
#include "collector/remote_write/transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hostmon::collector::remote_write {
namespace {

absl::StatusOr<std::string> ReadSecret(const std::string& path, const char* what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return absl::InvalidArgumentError(absl::StrCat("cannot read ", what, " ", path));
  std::stringstream ss;
  ss << f.rdbuf();
  // Files written by `echo` end in a newline that is not part of the secret.
  return std::string(absl::StripTrailingAsciiWhitespace(ss.str()));
}

size_t CollectBody(char* data, size_t size, size_t n, void* user) {
  auto* out = static_cast<std::string*>(user);
  size_t len = size * n;
  // Only the start of an error body is kept, for the log line.
  if (out->size() < 512) out->append(data, std::min(len, 512 - out->size()));
  return len;
}

int AbortCheck(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(user)->load() ? 1 : 0;  // non-zero aborts the transfer
}

class CurlTransport : public Transport {
 public:
  CurlTransport(const RemoteWriteConfig& c, std::string password, std::string token)
      : config_(c), password_(std::move(password)) {
    static const bool global_init = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    (void)global_init;
    headers_ = curl_slist_append(headers_, "Content-Encoding: snappy");
    headers_ = curl_slist_append(headers_, "Content-Type: application/x-protobuf");
    headers_ = curl_slist_append(headers_, "X-Prometheus-Remote-Write-Version: 0.1.0");
    headers_ = curl_slist_append(headers_, "User-Agent: hostmon-collector/" HOSTMON_VERSION);
    // curl would add "Expect: 100-continue" to larger POSTs: one more round trip per request.
    headers_ = curl_slist_append(headers_, "Expect:");
    if (!token.empty()) {
      headers_ = curl_slist_append(headers_, absl::StrCat("Authorization: Bearer ", token).c_str());
    }
    for (const auto& [name, value] : c.headers) {
      headers_ = curl_slist_append(headers_, absl::StrCat(name, ": ", value).c_str());
    }
    curl_ = curl_easy_init();
  }
  ~CurlTransport() override {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
    curl_slist_free_all(headers_);
  }

  SendResult Post(const std::string& body) override {
    SendResult r;
    if (curl_ == nullptr) {
      r.error = "curl_easy_init failed";
      return r;
    }
    // One handle reused for every request keeps the connection alive between requests.
    curl_easy_reset(curl_);
    std::string response;
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl_, CURLOPT_URL, config_.url.c_str());
    curl_easy_setopt(curl_, CURLOPT_POST, 1L);
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS,
                     static_cast<long>(absl::ToInt64Milliseconds(config_.remote_timeout)));
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, CollectBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &response);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl_, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!config_.tls_ca_file.empty())
      curl_easy_setopt(curl_, CURLOPT_CAINFO, config_.tls_ca_file.c_str());
    if (config_.tls_insecure_skip_verify) {
      curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (!config_.basic_auth_username.empty()) {
      curl_easy_setopt(curl_, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      curl_easy_setopt(curl_, CURLOPT_USERNAME, config_.basic_auth_username.c_str());
      curl_easy_setopt(curl_, CURLOPT_PASSWORD, password_.c_str());
    }
    curl_easy_setopt(curl_, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl_, CURLOPT_XFERINFOFUNCTION, AbortCheck);
    curl_easy_setopt(curl_, CURLOPT_XFERINFODATA, &abort_);
    CURLcode rc = curl_easy_perform(curl_);
    if (rc != CURLE_OK) {
      r.error = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
      return r;
    }
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    r.http_status = static_cast<int>(status);
    if (status < 200 || status > 299) {
      r.error = std::string(absl::StripTrailingAsciiWhitespace(response));
    }
    return r;
  }

  void Abort() override { abort_ = true; }

 private:
  const RemoteWriteConfig config_;
  const std::string password_;
  std::atomic<bool> abort_{false};
  curl_slist* headers_ = nullptr;
  CURL* curl_ = nullptr;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Transport>> MakeCurlTransport(const RemoteWriteConfig& c) {
  std::string password, token;
  if (!c.basic_auth_password_file.empty()) {
    auto p = ReadSecret(c.basic_auth_password_file, "basic_auth.password_file");
    if (!p.ok()) return p.status();
    password = *p;
  }
  if (!c.bearer_token_file.empty()) {
    auto t = ReadSecret(c.bearer_token_file, "bearer_token_file");
    if (!t.ok()) return t.status();
    token = *t;
  }
  return std::unique_ptr<Transport>(new CurlTransport(c, std::move(password), std::move(token)));
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
