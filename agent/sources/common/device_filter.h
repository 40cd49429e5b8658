// SPDX-License-Identifier: Apache-2.0
//
// node_exporter's include/exclude device regexes (netdev, arp, netclass). Go's regexp is RE2, so
// RE2 gives the same matches; like Go's MatchString the match is unanchored.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "re2/re2.h"

namespace hostmon::agent {

class DeviceFilter {
 public:
  // At most one of `include` and `exclude` may be non-empty (node_exporter rejects both);
  // `source` and the option names make the error message point at the offending flag.
  static absl::StatusOr<DeviceFilter> Make(absl::string_view source,
                                           absl::string_view include_option,
                                           const std::string& include,
                                           absl::string_view exclude_option,
                                           const std::string& exclude);

  // True when `device` is to be exported.
  bool Keep(absl::string_view device) const {
    const re2::StringPiece text(device.data(), device.size());
    if (include_ != nullptr) return RE2::PartialMatch(text, *include_);
    if (exclude_ != nullptr) return !RE2::PartialMatch(text, *exclude_);
    return true;
  }

 private:
  std::shared_ptr<const RE2> include_;
  std::shared_ptr<const RE2> exclude_;
};

}  // namespace hostmon::agent
