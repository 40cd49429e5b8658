// SPDX-License-Identifier: Apache-2.0
//
// Hardware sources (redfish, ipmi, smart) export one series per member of a collection (a PSU, a
// sensor, a disk), keyed by an identity label. When two members end up with the same identity
// (firmware that repeats an Id or omits it), the later one must never overwrite the earlier one
// silently: each source gives it another identity or skips it, and reports the collision here,
// where it is counted in hostmon_agent_source_member_collisions_total{source} and logged.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "agent/source.h"

namespace hostmon::agent {

inline constexpr MetricDesc kMemberCollisions{
    "hostmon_agent_source_member_collisions_total", kCounter,
    "Members of a hardware collection (PSU, sensor, drive, disk) whose identity repeated another "
    "member's; each was exported under a fallback identity or skipped, never merged."};

class MemberCollisions {
 public:
  explicit MemberCollisions(std::string source) : source_(std::move(source)) {}

  // The collisions of one collection, one message each (naming the target and both members).
  // Counted every collection they occur in; logged as a warning when the set changes, so a
  // firmware quirk that persists is logged once.
  void Record(const std::vector<std::string>& messages);
  // hostmon_agent_source_member_collisions_total{source}.
  void Write(SampleWriter& out) const;
  uint64_t total() const { return total_; }

 private:
  const std::string source_;
  uint64_t total_ = 0;
  std::string last_;  // the messages last logged
};

}  // namespace hostmon::agent
