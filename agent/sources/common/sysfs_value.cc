// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/sysfs_value.h"

#include "absl/strings/ascii.h"

namespace hostmon::agent {

absl::string_view SysfsAttributeText(absl::string_view file_text) {
  return absl::StripAsciiWhitespace(file_text.substr(0, 128));
}

absl::Status ParseGoInt64(absl::string_view s, int64_t* out) {
  const auto not_a_number = [] { return absl::InvalidArgumentError("not a number"); };
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    const char p = absl::ascii_tolower(s[1]);
    base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
    s.remove_prefix(p == 'x' || p == 'b' || p == 'o' ? 2 : 1);
  }
  if (s.empty()) return not_a_number();
  // Accumulate unsigned with an overflow check against int64's range for the sign.
  uint64_t v = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  for (const char c : s) {
    const int d = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'z' ? c - 'a' + 10
                  : c >= 'A' && c <= 'Z' ? c - 'A' + 10
                                         : 99;
    if (d >= base) return not_a_number();
    if (v > (limit - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      // Out of range unless a later character is not a digit at all (Go reports the syntax).
      return absl::InvalidArgumentError("out of range");
    }
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return absl::OkStatus();
}

}  // namespace hostmon::agent
