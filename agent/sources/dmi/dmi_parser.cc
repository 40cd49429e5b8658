// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/dmi/dmi_parser.h"

#include <cstdint>

#include "agent/sources/common/sysfs_value.h"

namespace hostmon::agent {
namespace {

// Length of the valid UTF-8 sequence at the start of `s`, or 0 if it does not start with one
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF).
size_t Utf8SequenceLength(absl::string_view s) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t c = b(0);
  if (c < 0x80) return 1;
  size_t n = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < n) return 0;
  if (b(1) < lo || b(1) > hi) return 0;
  for (size_t i = 2; i < n; ++i) {
    if (b(i) < 0x80 || b(i) > 0xBF) return 0;
  }
  return n;
}

struct Field {
  absl::string_view file;
  absl::string_view label;
};

// node_exporter 1.12's dmi collector's fields (collector/dmi.go), sorted by label.
constexpr Field kFields[] = {
    {"bios_date", "bios_date"},
    {"bios_release", "bios_release"},
    {"bios_vendor", "bios_vendor"},
    {"bios_version", "bios_version"},
    {"board_asset_tag", "board_asset_tag"},
    {"board_name", "board_name"},
    {"board_serial", "board_serial"},
    {"board_vendor", "board_vendor"},
    {"board_version", "board_version"},
    {"chassis_asset_tag", "chassis_asset_tag"},
    {"chassis_serial", "chassis_serial"},
    {"chassis_vendor", "chassis_vendor"},
    {"chassis_version", "chassis_version"},
    {"product_family", "product_family"},
    {"product_name", "product_name"},
    {"product_serial", "product_serial"},
    {"product_sku", "product_sku"},
    {"product_uuid", "product_uuid"},
    {"product_version", "product_version"},
    {"sys_vendor", "system_vendor"},
};

}  // namespace

std::string DmiLabelValue(absl::string_view file_text) {
  absl::string_view s = SysfsAttributeText(file_text);
  std::string out;
  out.reserve(s.size());
  bool in_invalid_run = false;
  while (!s.empty()) {
    const size_t n = Utf8SequenceLength(s);
    if (n == 0) {
      if (!in_invalid_run) out.append("\xEF\xBF\xBD");  // U+FFFD
      in_invalid_run = true;
      s.remove_prefix(1);
      continue;
    }
    in_invalid_run = false;
    out.append(s.data(), n);
    s.remove_prefix(n);
  }
  return out;
}

absl::string_view DmiLabelFor(absl::string_view file) {
  for (const Field& f : kFields) {
    if (f.file == file) return f.label;
  }
  return {};
}

}  // namespace hostmon::agent
