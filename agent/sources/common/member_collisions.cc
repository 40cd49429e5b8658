// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/member_collisions.h"

#include "absl/strings/str_join.h"
#include "common/log.h"

namespace hostmon::agent {

void MemberCollisions::Record(const std::vector<std::string>& messages) {
  total_ += messages.size();
  std::string joined = absl::StrJoin(messages, "; ");
  if (joined == last_) return;
  if (!messages.empty()) {
    common::log::Warn("members with the same identity: exported apart, not merged",
                      common::log::Kv("source", source_) +
                          common::log::Kv("count", static_cast<int64_t>(messages.size())) +
                          common::log::Kv("collisions", joined.substr(0, 2000)));
  }
  last_ = std::move(joined);
}

void MemberCollisions::Write(SampleWriter& out) const {
  LabelRef labels[] = {{"source", source_}};
  out.Add(kMemberCollisions, labels, static_cast<double>(total_));
}

}  // namespace hostmon::agent
