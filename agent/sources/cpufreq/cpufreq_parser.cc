// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpufreq/cpufreq_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/strip.h"

namespace hostmon::agent {

absl::string_view CpuDirNumber(absl::string_view dir) {
  if (!absl::ConsumePrefix(&dir, "cpu") || dir.empty()) return {};
  for (char c : dir) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return {};
  }
  return dir;
}

}  // namespace hostmon::agent
