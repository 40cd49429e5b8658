// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/process/limits_parser.h"

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

// The limit name is padded to a fixed width and may contain spaces, so the soft limit is the
// first field after the name.
absl::Status SoftLimit(absl::string_view line, absl::string_view name, uint64_t* out) {
  common::Fields fields;
  common::SplitFields(line.substr(name.size()), &fields);
  if (fields.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("/proc/self/limits: \"", name, "\" has no value"));
  }
  if (fields[0] == "unlimited") {
    *out = std::numeric_limits<uint64_t>::max();
    return absl::OkStatus();
  }
  return common::ParseUint64(fields[0], name, out);  // no StrCat: this runs every collection
}

}  // namespace

absl::Status ParseProcessLimits(absl::string_view text, ProcessLimits* out) {
  constexpr absl::string_view kOpenFiles = "Max open files";
  constexpr absl::string_view kAddressSpace = "Max address space";
  bool files = false, space = false;
  absl::string_view line;
  while (common::NextLine(&text, &line)) {
    if (absl::StartsWith(line, kOpenFiles)) {
      if (absl::Status s = SoftLimit(line, kOpenFiles, &out->max_open_files); !s.ok()) return s;
      files = true;
    } else if (absl::StartsWith(line, kAddressSpace)) {
      if (absl::Status s = SoftLimit(line, kAddressSpace, &out->max_address_space); !s.ok()) {
        return s;
      }
      space = true;
    }
  }
  if (!files || !space) {
    return absl::InvalidArgumentError(absl::StrCat("/proc/self/limits: missing \"",
                                                   files ? kAddressSpace : kOpenFiles, "\" line"));
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
