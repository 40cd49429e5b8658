// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/static_file.h"

#include <utility>

#include "common/fs_root.h"

namespace hostmon::agent {

StaticFile::StaticFile(std::string path, absl::Duration refresh, const common::Clock* clock)
    : path_(std::move(path)), refresh_(refresh), clock_(clock) {}

absl::Status StaticFile::Update() {
  const absl::Time now = clock_->Now();
  if (cached_ && now - read_at_ < refresh_) {
    changed_ = false;
    return absl::OkStatus();
  }
  absl::Status status = common::ReadFileTo(path_, &text_);
  if (!status.ok()) {
    cached_ = false;
    changed_ = false;
    text_.clear();
    return status;
  }
  cached_ = true;
  changed_ = true;
  read_at_ = now;
  ++reads_;
  return absl::OkStatus();
}

}  // namespace hostmon::agent
