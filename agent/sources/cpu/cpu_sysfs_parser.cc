// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/cpu/cpu_sysfs_parser.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

constexpr uint64_t kMaxCpuId = 65535;

bool ParseId(absl::string_view text, uint64_t* out) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return common::ParseUint64(text, "cpu", out).ok() && *out <= kMaxCpuId;
}

}  // namespace

absl::Status ParseCpuList(absl::string_view text, absl::string_view file,
                          std::vector<uint32_t>* out) {
  out->clear();
  absl::ConsumeSuffix(&text, "\n");
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const absl::string_view item = text.substr(0, comma);
    text = comma == absl::string_view::npos ? absl::string_view() : text.substr(comma + 1);
    if (item.empty()) continue;
    const size_t dash = item.find('-');
    uint64_t first = 0, last = 0;
    if (dash == absl::string_view::npos) {
      if (!ParseId(item, &first)) {
        return absl::InvalidArgumentError(
            absl::StrCat(file, ": invalid cpu \"", item, "\" (want N or N-M, N < 65536)"));
      }
      out->push_back(static_cast<uint32_t>(first));
      continue;
    }
    if (!ParseId(item.substr(0, dash), &first) || !ParseId(item.substr(dash + 1), &last)) {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ": invalid cpu range \"", item, "\" (want N-M, N, M < 65536)"));
    }
    for (uint64_t id = first; id <= last; ++id) out->push_back(static_cast<uint32_t>(id));
  }
  return absl::OkStatus();
}

bool ParseCpuSysfsUint(absl::string_view text, uint64_t* out) {
  text = absl::StripAsciiWhitespace(text);
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;  // no error Status built for garbage
  }
  return common::ParseUint64(text, "value", out).ok();
}

}  // namespace hostmon::agent
