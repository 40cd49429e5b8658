// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu/cpuinfo_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr absl::string_view kFile = "/proc/cpuinfo";

bool IsProcessorNumber(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  uint64_t value = 0;
  return common::ParseUint64(text, "processor", &value).ok() && value <= 0xFFFFFFFFu;
}

}  // namespace

absl::Status ParseCpuInfo(absl::string_view text, std::vector<CpuInfoEntry>* out) {
  out->clear();
  absl::string_view line;
  bool first = true;
  while (common::NextLine(&text, &line)) {
    if (first && absl::StripAsciiWhitespace(line).empty()) continue;
    const size_t sep = line.find(": ");
    if (first &&
        (!absl::StartsWith(line, "processor") || line.find(':') == absl::string_view::npos)) {
      return absl::InvalidArgumentError(
          absl::StrCat(kFile, ": first line is not a \"processor\" line: \"", line, "\""));
    }
    first = false;
    if (sep == absl::string_view::npos) continue;  // "power management:" with no value
    const absl::string_view key = absl::StripAsciiWhitespace(line.substr(0, sep));
    const absl::string_view value = line.substr(sep + 2);
    if (key == "processor") {
      if (!IsProcessorNumber(value)) {
        return absl::InvalidArgumentError(
            absl::StrCat(kFile, ": processor \"", value, "\" is not a CPU number"));
      }
      out->emplace_back().processor = value;
      continue;
    }
    if (out->empty()) continue;
    CpuInfoEntry& cpu = out->back();
    if (key == "vendor" || key == "vendor_id") {
      cpu.vendor = value;
    } else if (key == "cpu family") {
      cpu.family = value;
    } else if (key == "model") {
      cpu.model = value;
    } else if (key == "model name") {
      cpu.model_name = value;
    } else if (key == "stepping") {
      cpu.stepping = value;
    } else if (key == "microcode") {
      cpu.microcode = value;
    } else if (key == "cache size") {
      cpu.cache_size = value;
    } else if (key == "physical id") {
      cpu.physical_id = value;
    } else if (key == "core id") {
      cpu.core_id = value;
    } else if (key == "flags") {
      cpu.flags = value;
    } else if (key == "bugs") {
      cpu.bugs = value;
    }
  }
  return absl::OkStatus();
}

}  // namespace hostmon::agent
