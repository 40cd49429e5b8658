// SPDX-License-Identifier: Apache-2.0
#include "agent/sources/infiniband/infiniband_parser.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "agent/sources/common/sysfs_value.h"
#include "common/text_parse.h"

namespace hostmon::agent {
namespace {

absl::Status BadValue(absl::string_view file, absl::string_view problem, absl::string_view text) {
  return absl::InvalidArgumentError(
      absl::StrCat(file, ": ", problem, ": \"", absl::CEscape(text.substr(0, 40)), "\""));
}

}  // namespace

absl::Status ParseInfinibandState(absl::string_view text, absl::string_view file, uint32_t* id) {
  const size_t colon = text.find(':');
  if (colon == absl::string_view::npos || text.find(':', colon + 1) != absl::string_view::npos) {
    return BadValue(file, "expected \"<id>: <name>\"", text);
  }
  const absl::string_view number = absl::StripAsciiWhitespace(text.substr(0, colon));
  uint64_t v = 0;
  if (!common::ParseUint64(number, "", &v).ok() || v > UINT32_MAX) {
    return BadValue(file, "state id is not a uint32", number);
  }
  *id = static_cast<uint32_t>(v);
  return absl::OkStatus();
}

absl::Status ParseInfinibandRate(absl::string_view text, absl::string_view file,
                                 uint64_t* bytes_per_second) {
  const size_t space = text.find(' ');
  if (space == absl::string_view::npos) return BadValue(file, "expected \"<Gb/s> Gb/sec\"", text);
  const absl::string_view number = absl::StripAsciiWhitespace(text.substr(0, space));
  // Go's ParseFloat(s, 32) rounds the decimal straight to float32: strtof does the same, where
  // going through a double could round twice. Syntax is checked first (strtof takes blanks,
  // hex and a '+'); rates are short, so the copy stays in the string's inline buffer.
  double checked = 0;
  if (!common::ParseDouble(number, "", &checked).ok()) {
    return BadValue(file, "rate is not a number", number);
  }
  const std::string copy(number);
  errno = 0;
  const float gbps = std::strtof(copy.c_str(), nullptr);
  if (errno == ERANGE && std::isinf(gbps)) return BadValue(file, "rate out of range", number);
  *bytes_per_second = GoFloat64ToUint64(static_cast<double>(gbps) * 125000000);
  return absl::OkStatus();
}

absl::Status ParseInfinibandCounter(absl::string_view file_text, absl::string_view file,
                                    uint64_t* out, bool* present) {
  const absl::string_view text = SysfsAttributeText(file_text);
  // Drivers without a performance management agent (i40iw, older kernels) print this for every
  // counter: no series, not an error (node_exporter issue 966). procfs tries the number first;
  // such text never is one, and checking first spares the error status (an allocation).
  if (absl::StrContains(text, "N/A (no PMA)")) {
    *present = false;
    return absl::OkStatus();
  }
  const absl::Status s = ParseGoUint64(text, out);
  *present = s.ok();
  if (s.ok()) return s;
  return BadValue(file, s.message(), text);
}

}  // namespace hostmon::agent
