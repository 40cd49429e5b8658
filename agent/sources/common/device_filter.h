// SPDX-License-Identifier: Apache-2.0
//
// node_exporter's include/exclude device filters (netdev, arp, diskstats). Go's regexp is RE2, so
// RE2 gives the same matches; like Go's MatchString the match is unanchored.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "agent/source.h"
#include "re2/re2.h"

namespace hostmon::agent {

class DeviceFilter {
 public:
  // The source's options `include_option` and `exclude_option` (patterns; empty: none). At most
  // one of them may be set, as node_exporter requires, except that an include pattern replaces
  // an exclude pattern still at `default_exclude` (diskstats: its default exclusion).
  static absl::StatusOr<DeviceFilter> Make(const SourceContext& ctx,
                                           absl::string_view include_option = "device-include",
                                           absl::string_view exclude_option = "device-exclude",
                                           absl::string_view default_exclude = "");

  // True when `device` is to be exported.
  bool Keep(absl::string_view device) const {
    const re2::StringPiece text(device.data(), device.size());
    if (include_ != nullptr) return RE2::PartialMatch(text, *include_);
    if (exclude_ != nullptr) return !RE2::PartialMatch(text, *exclude_);
    return true;
  }

 private:
  std::unique_ptr<RE2> include_;
  std::unique_ptr<RE2> exclude_;
};

}  // namespace hostmon::agent
