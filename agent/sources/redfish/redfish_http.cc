// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/redfish/redfish_http.h"

#include <curl/curl.h>

#include <algorithm>
#include <deque>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "agent/sources/common/curl_api.h"

namespace hostmon::agent::redfish {

using ::hostmon::agent::Curl;

namespace {

struct Transfer {
  CURL* easy = nullptr;
  size_t index = 0;
  HttpResponse response;
  bool too_large = false;
  curl_slist* headers = nullptr;
  char error[CURL_ERROR_SIZE] = {0};
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  if (t->response.body.size() + len > HttpClient::kMaxBody) {
    t->too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  t->response.body.append(data, len);
  return len;
}

size_t ReadHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  absl::string_view line(data, len);
  auto colon = line.find(':');
  if (colon != absl::string_view::npos) {
    absl::string_view name = line.substr(0, colon);
    absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
    if (absl::EqualsIgnoreCase(name, "Location")) t->response.location = std::string(value);
    if (absl::EqualsIgnoreCase(name, "X-Auth-Token")) t->response.auth_token = std::string(value);
  }
  return len;
}

}  // namespace

HttpClient::HttpClient(const TargetConfig& config) : config_(config) {
  if (!Curl().status.ok()) return;  // Run() then reports the reason for every request
  multi_ = Curl().multi_init();
  // Connections are cached per multi handle; keep enough for the parallel requests.
  Curl().multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(config_.max_parallel));
  Curl().multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                      static_cast<long>(config_.max_parallel));
}

HttpClient::~HttpClient() {
  for (void* h : idle_handles_) Curl().easy_cleanup(static_cast<CURL*>(h));
  if (multi_ != nullptr) Curl().multi_cleanup(static_cast<CURLM*>(multi_));
}

std::vector<absl::StatusOr<HttpResponse>> HttpClient::Run(const std::vector<HttpRequest>& requests,
                                                          absl::Time deadline) {
  CURLM* multi = static_cast<CURLM*>(multi_);
  if (multi == nullptr) {
    absl::Status s = Curl().status;
    if (s.ok()) s = absl::InternalError("curl_multi_init failed");
    return std::vector<absl::StatusOr<HttpResponse>>(requests.size(), s);
  }
  std::vector<absl::StatusOr<HttpResponse>> results(
      requests.size(),
      absl::DeadlineExceededError("collection deadline passed before the request"));
  std::deque<size_t> pending;
  for (size_t i = 0; i < requests.size(); ++i) pending.push_back(i);
  std::vector<std::unique_ptr<Transfer>> active;

  auto start_one = [&](size_t index) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return;  // stays DeadlineExceeded
    auto t = std::make_unique<Transfer>();
    t->index = index;
    if (!idle_handles_.empty()) {
      t->easy = static_cast<CURL*>(idle_handles_.back());
      idle_handles_.pop_back();
      Curl().easy_reset(t->easy);  // keeps the connection cache and TLS session ids
    } else {
      t->easy = Curl().easy_init();
    }
    const HttpRequest& r = requests[index];
    CURL* e = t->easy;
    const long timeout_ms =
        std::max<long>(1, absl::ToInt64Milliseconds(std::min(left, config_.timeout)));
    const std::string url = config_.url + r.path;
    Curl().easy_setopt(e, CURLOPT_URL, url.c_str());
    Curl().easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    Curl().easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    Curl().easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
    Curl().easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
    Curl().easy_setopt(e, CURLOPT_WRITEFUNCTION, WriteBody);
    Curl().easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    Curl().easy_setopt(e, CURLOPT_HEADERFUNCTION, ReadHeader);
    Curl().easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    Curl().easy_setopt(e, CURLOPT_ERRORBUFFER, t->error);
    Curl().easy_setopt(e, CURLOPT_USERAGENT, "hostmon-agent");
    Curl().easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // gzip/deflate if the BMC offers it
    Curl().easy_setopt(e, CURLOPT_SSL_VERIFYPEER, config_.insecure ? 0L : 1L);
    Curl().easy_setopt(e, CURLOPT_SSL_VERIFYHOST, config_.insecure ? 0L : 2L);
    if (!config_.ca_file.empty()) Curl().easy_setopt(e, CURLOPT_CAINFO, config_.ca_file.c_str());
    t->headers = Curl().slist_append(t->headers, "Accept: application/json");
    t->headers = Curl().slist_append(t->headers, "OData-Version: 4.0");
    if (!token_.empty()) {
      t->headers = Curl().slist_append(t->headers, ("X-Auth-Token: " + token_).c_str());
    } else if (config_.auth == Auth::kBasic) {
      Curl().easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
      Curl().easy_setopt(e, CURLOPT_USERNAME, config_.username.c_str());
      Curl().easy_setopt(e, CURLOPT_PASSWORD, config_.password.c_str());
    }
    if (r.method == "POST") {
      t->headers = Curl().slist_append(t->headers, "Content-Type: application/json");
      Curl().easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(r.body.size()));
      Curl().easy_setopt(e, CURLOPT_COPYPOSTFIELDS, r.body.c_str());
    } else if (r.method == "DELETE") {
      Curl().easy_setopt(e, CURLOPT_CUSTOMREQUEST, "DELETE");
    }
    Curl().easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    Curl().multi_add_handle(multi, e);
    active.push_back(std::move(t));
  };

  auto finish = [&](Transfer* t, absl::StatusOr<HttpResponse> result) {
    Curl().multi_remove_handle(multi, t->easy);
    Curl().slist_free_all(t->headers);
    t->headers = nullptr;
    results[t->index] = std::move(result);
    idle_handles_.push_back(t->easy);
    active.erase(std::find_if(active.begin(), active.end(),
                              [t](const std::unique_ptr<Transfer>& a) { return a.get() == t; }));
  };

  while (!pending.empty() || !active.empty()) {
    while (!pending.empty() && active.size() < static_cast<size_t>(config_.max_parallel)) {
      size_t index = pending.front();
      pending.pop_front();
      start_one(index);
    }
    if (active.empty()) continue;  // the deadline passed: the rest stays DeadlineExceeded
    int running = 0;
    Curl().multi_perform(multi, &running);
    CURLMsg* msg;
    int left_msgs = 0;
    while ((msg = Curl().multi_info_read(multi, &left_msgs)) != nullptr) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      for (auto& a : active) {
        if (a->easy == msg->easy_handle) t = a.get();
      }
      if (t == nullptr) continue;
      const CURLcode code = msg->data.result;
      const std::string& path = requests[t->index].path;
      if (code == CURLE_OK) {
        Curl().easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->response.code);
        finish(t, std::move(t->response));
      } else if (t->too_large) {
        finish(t, absl::ResourceExhaustedError(
                      absl::StrCat(path, ": response larger than ", kMaxBody, " bytes")));
      } else if (code == CURLE_OPERATION_TIMEDOUT) {
        // curl's text carries the elapsed milliseconds; without them the message is the same
        // every collection and the source logs it once, not every time.
        finish(t, absl::DeadlineExceededError(absl::StrCat(path, ": timed out")));
      } else {
        finish(t, absl::UnavailableError(absl::StrCat(
                      path, ": ", t->error[0] != 0 ? t->error : Curl().easy_strerror(code))));
      }
    }
    if (active.empty()) continue;
    if (absl::Now() >= deadline) {
      // Collection deadline: abandon what is still in flight (curl's own timeout is a little
      // later when the request started with less time left than the per-request timeout).
      while (!active.empty()) {
        Transfer* t = active.back().get();
        finish(t, absl::DeadlineExceededError(
                      absl::StrCat(requests[t->index].path, ": collection deadline passed")));
      }
      continue;
    }
    const int wait_ms = static_cast<int>(
        std::clamp<int64_t>(absl::ToInt64Milliseconds(deadline - absl::Now()), 1, 100));
    Curl().multi_poll(multi, nullptr, 0, wait_ms, nullptr);
  }
  return results;
}

}  // namespace hostmon::agent::redfish
