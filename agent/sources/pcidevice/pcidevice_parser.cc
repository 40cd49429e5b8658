// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/pcidevice/pcidevice_parser.h"

#include <limits>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "agent/sources/common/sysfs_value.h"

namespace hostmon::agent {
namespace {

// Digits of `base` only (no sign, no prefix), value at most `max`.
bool ParseDigits(absl::string_view text, int base, uint64_t max, uint64_t* out) {
  if (text.empty()) return false;
  uint64_t v = 0;
  for (const char c : text) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    if (d >= base || v > (max - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      return false;
    }
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  *out = v;
  return true;
}

absl::Status ValueError(absl::string_view file, absl::string_view text, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(file, ": ", what, " \"", text, "\""));
}

}  // namespace

absl::Status ParsePciLocation(absl::string_view text, PciLocation* out) {
  // segment:bus:device.function
  const size_t c1 = text.find(':');
  const size_t c2 = c1 == absl::string_view::npos ? c1 : text.find(':', c1 + 1);
  const size_t dot = c2 == absl::string_view::npos ? c2 : text.find('.', c2 + 1);
  const auto invalid = [&] {
    return absl::InvalidArgumentError(absl::StrCat("invalid PCI location \"", text, "\""));
  };
  if (dot == absl::string_view::npos || text.find(':', c2 + 1) != absl::string_view::npos ||
      text.find('.', dot + 1) != absl::string_view::npos) {
    return invalid();
  }
  const absl::string_view parts[] = {text.substr(0, c1), text.substr(c1 + 1, c2 - c1 - 1),
                                     text.substr(c2 + 1, dot - c2 - 1), text.substr(dot + 1)};
  uint32_t* targets[] = {&out->segment, &out->bus, &out->device, &out->function};
  for (size_t i = 0; i < 4; ++i) {
    uint64_t v = 0;
    if (!ParseDigits(parts[i], 16, std::numeric_limits<int32_t>::max(), &v)) return invalid();
    *targets[i] = static_cast<uint32_t>(v);
  }
  return absl::OkStatus();
}

void FormatPciLocation(const PciLocation& location, PciLocationLabels* out) {
  out->segment = absl::StrFormat("%04x", location.segment);
  out->bus = absl::StrFormat("%02x", location.bus);
  out->device = absl::StrFormat("%02x", location.device);
  out->function = absl::StrFormat("%x", location.function);
}

absl::Status ParsePciId(absl::string_view file_text, absl::string_view file, uint32_t* out) {
  const absl::string_view text = SysfsAttributeText(file_text);
  int64_t v = 0;
  if (!ParseGoInt64(text, &v).ok() || v < std::numeric_limits<int32_t>::min() ||
      v > std::numeric_limits<int32_t>::max()) {
    return ValueError(file, text, "not a 32-bit number");
  }
  *out = static_cast<uint32_t>(v);
  return absl::OkStatus();
}

absl::Status ParsePciLinkSpeed(absl::string_view file_text, absl::string_view file, bool* present,
                               double* out) {
  const absl::string_view text = SysfsAttributeText(file_text);
  *present = false;
  if (text.empty() || absl::StartsWith(text, "Unknown")) return absl::OkStatus();
  const size_t space = text.find(' ');
  if (space == absl::string_view::npos) return ValueError(file, text, "invalid link speed");
  if (text.substr(space + 1) != "GT/s PCIe") return ValueError(file, text, "unknown unit in");
  double gts = 0;
  if (!absl::SimpleAtod(text.substr(0, space), &gts)) {
    return ValueError(file, text, "invalid link speed");
  }
  *out = gts * 1e9;
  *present = true;
  return absl::OkStatus();
}

absl::Status ParsePciDecimal(absl::string_view file_text, absl::string_view file, int64_t min,
                             int64_t max, bool unknown_ok, bool* present, int64_t* out) {
  const absl::string_view text = SysfsAttributeText(file_text);
  *present = false;
  if (text.empty() || (unknown_ok && absl::StartsWith(text, "Unknown"))) return absl::OkStatus();
  absl::string_view digits = text;
  bool negative = false;
  // Go's ParseInt takes a sign, ParseUint (min >= 0) does not.
  if (min < 0 && !digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  uint64_t magnitude = 0;
  // Callers never pass INT64_MIN, so -min cannot overflow.
  const uint64_t limit = static_cast<uint64_t>(negative ? -min : max);
  if (!ParseDigits(digits, 10, limit, &magnitude)) {
    return ValueError(file, text, absl::StrCat("not a number in [", min, ", ", max, "]:"));
  }
  *out = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
  *present = true;
  return absl::OkStatus();
}

absl::Status ParsePciHex(absl::string_view file_text, absl::string_view file, bool* present,
                         uint32_t* out) {
  const absl::string_view text = SysfsAttributeText(file_text);
  *present = false;
  if (text.empty()) return absl::OkStatus();
  uint64_t v = 0;
  if (!ParseDigits(text, 16, std::numeric_limits<uint32_t>::max(), &v)) {
    return ValueError(file, text, "not a hexadecimal number");
  }
  *out = static_cast<uint32_t>(v);
  *present = true;
  return absl::OkStatus();
}

}  // namespace hostmon::agent
