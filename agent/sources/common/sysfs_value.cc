// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/common/sysfs_value.h"

#include "absl/strings/ascii.h"

namespace hostmon::agent {

absl::string_view SysfsAttributeText(absl::string_view file_text) {
  return absl::StripAsciiWhitespace(file_text.substr(0, 128));
}

namespace {

// The digits of Go's strconv.Parse{Int,Uint}(s, 0, 64) after the sign: base from the prefix
// ("0x", "0b", "0o", "0"), accumulated up to `limit`.
absl::Status ParseGoDigits(absl::string_view s, uint64_t limit, uint64_t* out) {
  const auto not_a_number = [] { return absl::InvalidArgumentError("not a number"); };
  int base = 10;
  if (s.size() > 1 && s[0] == '0') {
    const char p = absl::ascii_tolower(s[1]);
    base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
    s.remove_prefix(p == 'x' || p == 'b' || p == 'o' ? 2 : 1);
  }
  if (s.empty()) return not_a_number();
  uint64_t v = 0;
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
  *out = v;
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseGoInt64(absl::string_view s, int64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  // Accumulate unsigned with an overflow check against int64's range for the sign.
  uint64_t v = 0;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  if (absl::Status st = ParseGoDigits(s, limit, &v); !st.ok()) return st;
  *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return absl::OkStatus();
}

absl::Status ParseGoUint64(absl::string_view s, uint64_t* out) {
  return ParseGoDigits(s, ~uint64_t{0}, out);  // no sign: Go's ParseUint takes none
}

uint64_t GoFloat64ToUint64(double x) {
  constexpr double kTwo63 = 9223372036854775808.0;
  const auto cvttsd2sq = [](double v) -> uint64_t {
    if (!(v >= -kTwo63 && v < kTwo63)) return uint64_t{1} << 63;
    return static_cast<uint64_t>(static_cast<int64_t>(v));
  };
  if (x < kTwo63) return cvttsd2sq(x);
  return cvttsd2sq(x - kTwo63) | (uint64_t{1} << 63);
}

}  // namespace hostmon::agent
