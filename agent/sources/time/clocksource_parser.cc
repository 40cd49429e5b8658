// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/time/clocksource_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace hostmon::agent {

absl::Status ParseClocksources(absl::string_view text, absl::string_view file, bool exactly_one,
                               common::Fields* out) {
  absl::string_view line;
  out->clear();
  if (common::NextLine(&text, &line)) common::SplitFields(line, out);
  if (out->empty()) return absl::InvalidArgumentError(absl::StrCat(file, ": no clocksource"));
  if (exactly_one && out->size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": expected one clocksource, got ", out->size()));
  }
  return absl::OkStatus();
}

absl::string_view ClocksourceDevice(absl::string_view dir) {
  if (!absl::ConsumePrefix(&dir, "clocksource") || dir.empty()) return {};
  for (char c : dir) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return {};
  }
  return dir;
}

}  // namespace hostmon::agent
