// SPDX-License-Identifier: Apache-2.0
#include "common/http/http_client.h"

#include <curl/curl.h>

#include <mutex>

#include "absl/strings/str_cat.h"
#include "common/secret_file.h"

namespace hostmon::common {
namespace {

// curl_global_init is not thread-safe; it must run once before any thread uses curl.
void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Sink {
  std::string* out;
  size_t limit;
};

size_t Append(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * n;
  // A misbehaving server cannot grow memory: the rest of the body is read and discarded.
  if (sink->out->size() < sink->limit) {
    sink->out->append(data, std::min(len, sink->limit - sink->out->size()));
  }
  return len;
}

int AbortCheck(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<std::atomic<bool>*>(user)->load() ? 1 : 0;  // non-zero aborts the transfer
}

// The secret in the file, or an error naming the option and the file (common/secret_file.h).
absl::StatusOr<std::string> ReadSecret(const std::string& path, const char* option) {
  absl::StatusOr<std::string> secret = common::ReadSecretFile(path);
  if (!secret.ok()) return absl::NotFoundError(absl::StrCat("cannot read ", option, " ", path));
  return secret;
}

struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

absl::Status ValidateHttpClientOptions(const HttpClientOptions& o) {
  const std::pair<const std::string*, const char*> files[] = {
      {&o.ca_file, "ca_file"},
      {&o.bearer_token_file, "bearer_token_file"},
      {&o.basic_auth_password_file, "basic_auth.password_file"}};
  for (const auto& [path, option] : files) {
    if (path->empty()) continue;
    if (auto s = ReadSecret(*path, option); !s.ok()) return s.status();
  }
  if (!o.basic_auth_password_file.empty() && o.basic_auth_username.empty()) {
    return absl::InvalidArgumentError("basic auth password file given without a username");
  }
  if (!o.bearer_token_file.empty() && !o.basic_auth_username.empty()) {
    return absl::InvalidArgumentError("bearer token and basic auth are mutually exclusive");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<HttpClient>> HttpClient::Create(HttpClientOptions options) {
  if (absl::Status s = ValidateHttpClientOptions(options); !s.ok()) return s;
  return std::make_unique<HttpClient>(std::move(options));
}

HttpClient::HttpClient(HttpClientOptions options) : options_(std::move(options)) { GlobalInit(); }

HttpClient::~HttpClient() {
  absl::MutexLock lock(&mu_);
  for (void* h : idle_) curl_easy_cleanup(static_cast<CURL*>(h));
}

void* HttpClient::TakeHandle() {
  {
    absl::MutexLock lock(&mu_);
    if (!idle_.empty()) {
      void* h = idle_.back();
      idle_.pop_back();
      return h;
    }
  }
  return curl_easy_init();
}

void HttpClient::ReturnHandle(void* h) {
  absl::MutexLock lock(&mu_);
  idle_.push_back(h);
}

absl::StatusOr<HttpResponse> HttpClient::Post(const std::string& url, const std::string& body,
                                              const std::string& content_type,
                                              const HttpHeaders& extra_headers,
                                              absl::Duration timeout) {
  if (aborted_) return absl::CancelledError("aborted");
  // Read at every request so that rotated credentials are picked up (see the header).
  std::string token, password;
  if (!options_.bearer_token_file.empty()) {
    absl::StatusOr<std::string> t = ReadSecret(options_.bearer_token_file, "bearer_token_file");
    if (!t.ok()) return t.status();
    token = *std::move(t);
  }
  if (!options_.basic_auth_password_file.empty()) {
    absl::StatusOr<std::string> p =
        ReadSecret(options_.basic_auth_password_file, "basic_auth.password_file");
    if (!p.ok()) return p.status();
    password = *std::move(p);
  }
  curl_slist* raw = nullptr;
  raw = curl_slist_append(raw, absl::StrCat("Content-Type: ", content_type).c_str());
  raw = curl_slist_append(raw, absl::StrCat("User-Agent: ", options_.user_agent).c_str());
  // curl would add "Expect: 100-continue" to larger POSTs: one more round trip per request.
  raw = curl_slist_append(raw, "Expect:");
  if (!token.empty())
    raw = curl_slist_append(raw, absl::StrCat("Authorization: Bearer ", token).c_str());
  for (const HttpHeaders* list : {&options_.headers, &extra_headers}) {
    for (const auto& [name, value] : *list) {
      raw = curl_slist_append(raw, absl::StrCat(name, ": ", value).c_str());
    }
  }
  std::unique_ptr<curl_slist, ListDeleter> headers(raw);

  auto* curl = static_cast<CURL*>(TakeHandle());
  if (curl == nullptr) return absl::InternalError("curl_easy_init failed");
  // A reused handle keeps its connection alive between requests; reset forgets the old options.
  curl_easy_reset(curl);
  std::string response;
  Sink sink{&response, options_.max_response_body};
  char error[CURL_ERROR_SIZE] = {0};
  const absl::Duration t = timeout > absl::ZeroDuration() ? timeout : options_.timeout;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Append);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(absl::ToInt64Milliseconds(t)));  // NOLINT(runtime/int)
  // Sender threads must never be interrupted by SIGALRM-based DNS timeouts.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (!options_.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (options_.insecure_skip_verify) {
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!options_.basic_auth_username.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));  // NOLINT
    curl_easy_setopt(curl, CURLOPT_USERNAME, options_.basic_auth_username.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, password.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &AbortCheck);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &aborted_);
  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;  // NOLINT(runtime/int): curl's type
  if (rc == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  // The handle must not point at this call's stack once it is idle.
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  ReturnHandle(curl);
  if (rc != CURLE_OK) {
    if (rc == CURLE_ABORTED_BY_CALLBACK) return absl::CancelledError("aborted");
    return absl::UnavailableError(error[0] != '\0' ? error : curl_easy_strerror(rc));
  }
  HttpResponse r;
  r.status = static_cast<int>(code);
  r.body = std::move(response);
  return r;
}

}  // namespace hostmon::common
