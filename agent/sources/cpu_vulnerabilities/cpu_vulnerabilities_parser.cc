// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu_vulnerabilities/cpu_vulnerabilities_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"

namespace hostmon::agent {
namespace {

// Go's strings.Fields over ASCII: runs of white space separate words.
bool IsSpace(char c) { return absl::ascii_isspace(static_cast<unsigned char>(c)); }

}  // namespace

void ParseCpuVulnerability(absl::string_view file_text, CpuVulnerability* out) {
  const absl::string_view text = absl::StripAsciiWhitespace(file_text);
  out->mitigation.clear();
  static constexpr absl::string_view kStates[] = {"not affected", "vulnerable", "mitigation",
                                                  "unknown"};
  for (const absl::string_view state : kStates) {
    if (!absl::StartsWithIgnoreCase(text, state)) continue;
    out->state = state;
    if (state == kStates[0]) return;
    // Every word but the first, single-spaced ("Mitigation:" dropped).
    size_t i = 0;
    while (i < text.size() && !IsSpace(text[i])) ++i;
    while (i < text.size()) {
      while (i < text.size() && IsSpace(text[i])) ++i;
      const size_t start = i;
      while (i < text.size() && !IsSpace(text[i])) ++i;
      if (i == start) break;
      if (!out->mitigation.empty()) out->mitigation.push_back(' ');
      out->mitigation.append(text.data() + start, i - start);
    }
    return;
  }
  out->state = "unknown";
  out->mitigation.assign(text.data(), text.size());
}

}  // namespace hostmon::agent
