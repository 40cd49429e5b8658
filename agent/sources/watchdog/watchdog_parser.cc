// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/watchdog/watchdog_parser.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace hostmon::agent {

absl::string_view WatchdogAttributeText(absl::string_view file_text) {
  return absl::StripAsciiWhitespace(file_text.substr(0, 128));
}

absl::Status ParseWatchdogNumber(absl::string_view file_text, absl::string_view file,
                                 int64_t* out) {
  const absl::string_view text = WatchdogAttributeText(file_text);
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ": ", why, ": \"", absl::CEscape(text.substr(0, 40)), "\""));
  };
  absl::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    const char p = absl::ascii_tolower(s[1]);
    if (p == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else if (p == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (p == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  if (s.empty()) return bad("not a number");
  // Accumulate as unsigned with an overflow check, then apply the sign within int64's range.
  uint64_t v = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : std::numeric_limits<int64_t>::max();
  for (const char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'z') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'Z') {
      d = c - 'A' + 10;
    } else {
      return bad("not a number");
    }
    if (d >= base) return bad("not a number");
    if (v > (limit - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      return bad("out of range");
    }
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return absl::OkStatus();
}

}  // namespace hostmon::agent
