// SPDX-License-Identifier: Apache-2.0
#include "collector/alerting/curl_transport.h"

#include <curl/curl.h>

#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace hostmon::collector::alerting {
namespace {

// curl_global_init is not thread-safe; it must run once before any sender thread uses curl.
void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t Append(char* data, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  // Answers are short JSON; cap what is kept so a misbehaving server cannot grow memory.
  if (s->size() < 64 * 1024) s->append(data, size * n);
  return size * n;
}

absl::StatusOr<std::string> ReadSecret(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::ostringstream s;
  s << in.rdbuf();
  return std::string(absl::StripAsciiWhitespace(s.str()));
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

CurlTransport::CurlTransport(HttpClientOptions options) : options_(std::move(options)) {
  GlobalInit();
}

absl::Status ValidateHttpClientOptions(const HttpClientOptions& o) {
  for (const std::string* f : {&o.ca_file, &o.bearer_token_file, &o.basic_auth_password_file}) {
    if (f->empty()) continue;
    if (auto s = ReadSecret(*f); !s.ok()) return s.status();
  }
  if (!o.basic_auth_password_file.empty() && o.basic_auth_username.empty()) {
    return absl::InvalidArgumentError("basic auth password file given without a username");
  }
  if (!o.bearer_token_file.empty() && !o.basic_auth_username.empty()) {
    return absl::InvalidArgumentError("bearer token and basic auth are mutually exclusive");
  }
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> CurlTransport::PostJson(const std::string& url,
                                                     const std::string& body,
                                                     absl::Duration timeout) {
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) return absl::InternalError("curl_easy_init failed");
  curl_slist* raw = nullptr;
  raw = curl_slist_append(raw, "Content-Type: application/json");
  raw = curl_slist_append(raw, "User-Agent: hostmon-collector");
  std::string password;
  if (!options_.bearer_token_file.empty()) {
    absl::StatusOr<std::string> token = ReadSecret(options_.bearer_token_file);
    if (!token.ok()) {
      curl_slist_free_all(raw);
      return token.status();
    }
    raw = curl_slist_append(raw, absl::StrCat("Authorization: Bearer ", *token).c_str());
  }
  std::unique_ptr<curl_slist, ListDeleter> headers(raw);
  if (!options_.basic_auth_username.empty()) {
    if (!options_.basic_auth_password_file.empty()) {
      absl::StatusOr<std::string> p = ReadSecret(options_.basic_auth_password_file);
      if (!p.ok()) return p.status();
      password = *p;
    }
    curl_easy_setopt(curl.get(), CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(curl.get(), CURLOPT_USERNAME, options_.basic_auth_username.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_PASSWORD, password.c_str());
  }
  std::string response;
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(timeout)));  // NOLINT(runtime/int)
  // Sender threads must never be interrupted by SIGALRM-based DNS timeouts.
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  if (!options_.ca_file.empty())
    curl_easy_setopt(curl.get(), CURLOPT_CAINFO, options_.ca_file.c_str());
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return absl::UnavailableError(
        absl::StrCat("POST ", url, ": ", error[0] != '\0' ? error : curl_easy_strerror(rc)));
  }
  long code = 0;  // NOLINT(runtime/int): curl's type
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
  HttpResponse r;
  r.status = static_cast<int>(code);
  r.body = std::move(response);
  return r;
}

}  // namespace hostmon::collector::alerting
