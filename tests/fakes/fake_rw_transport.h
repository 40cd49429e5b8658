// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "collector/remote_write/transport.h"

namespace hostmon::testing {

// A remote write receiver in process: records every request body; answers from a script of HTTP
// statuses (then 200); SetOpen(false) makes requests hang until reopened (a receiver that is
// down without refusing connections).
class FakeRwTransport : public collector::remote_write::Transport {
 public:
  explicit FakeRwTransport(std::vector<int> statuses = {})
      : script_(statuses.begin(), statuses.end()) {}
  collector::remote_write::SendResult Post(const std::string& body) override {
    absl::MutexLock lock(&mu_);
    ++posts_;
    mu_.Await(absl::Condition(
        +[](bool* open) { return *open; }, &open_));
    collector::remote_write::SendResult r;
    if (aborted_) {
      r.error = "aborted";
      return r;
    }
    bodies_.push_back(body);
    r.http_status = 200;
    if (!script_.empty()) {
      r.http_status = script_.front();
      script_.pop_front();
    }
    if (r.http_status != 200) r.error = "scripted";
    return r;
  }
  void Abort() override {
    absl::MutexLock lock(&mu_);
    aborted_ = true;
    open_ = true;
  }
  void SetOpen(bool open) {
    absl::MutexLock lock(&mu_);
    open_ = open;
  }
  // Requests answered (recorded).
  size_t requests() {
    absl::MutexLock lock(&mu_);
    return bodies_.size();
  }
  // Requests begun, including one hanging while the receiver is closed: a test waits for this to
  // know the sender has reached the receiver.
  size_t posts() {
    absl::MutexLock lock(&mu_);
    return posts_;
  }
  std::vector<std::string> bodies() {
    absl::MutexLock lock(&mu_);
    return bodies_;
  }

 private:
  absl::Mutex mu_;
  std::deque<int> script_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> bodies_ ABSL_GUARDED_BY(mu_);
  size_t posts_ ABSL_GUARDED_BY(mu_) = 0;
  bool open_ ABSL_GUARDED_BY(mu_) = true;
  bool aborted_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace hostmon::testing
