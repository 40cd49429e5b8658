// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpufreq/cpufreq_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {

absl::Status ParseCpufreqKhz(absl::string_view text, absl::string_view file, uint64_t* khz) {
  absl::string_view line;
  common::Fields fields;
  if (common::NextLine(&text, &line)) common::SplitFields(line, &fields);
  if (fields.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": expected one number, got ", fields.size(), " fields"));
  }
  absl::Status status = common::ParseUint64(fields[0], "kHz", khz);
  if (!status.ok()) return absl::InvalidArgumentError(absl::StrCat(file, ": ", status.message()));
  return absl::OkStatus();
}

absl::string_view CpuDirNumber(absl::string_view dir) {
  if (!absl::ConsumePrefix(&dir, "cpu") || dir.empty()) return {};
  for (char c : dir) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return {};
  }
  return dir;
}

}  // namespace hostmon::agent
